#!/usr/bin/env node
// Builds the `syncline` CLI (cli/main.ts and every command module it imports lazily) into
// plain JavaScript under cli/dist/, so `bin/syncline.js` runs without a TypeScript loader.
// Runs at `npm install` (postinstall), `npm run build`, and before Vitest (the CLI tests spawn
// the binary). esbuild comes with tsx; packages stay external (resolved from node_modules).
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");

export async function buildCli() {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: "cli/main.ts" },
    outdir: "cli/dist",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    tsconfig: "tsconfig.json",
    chunkNames: "chunks/[name]-[hash]",
    logLevel: "warning",
    legalComments: "none",
    metafile: true,
  });
  // chunk names carry content hashes: drop the chunks of earlier builds (files only, so a CLI
  // started from this tree meanwhile still finds every chunk of the build it loaded)
  const outputs = new Set(Object.keys(result.metafile.outputs).map((f) => path.resolve(root, f)));
  const chunks = path.join(root, "cli", "dist", "chunks");
  for (const name of fs.existsSync(chunks) ? fs.readdirSync(chunks) : []) {
    const file = path.join(chunks, name);
    if (!outputs.has(file)) fs.rmSync(file, { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = Date.now();
  await buildCli();
  console.log(`syncline CLI built into cli/dist (${Date.now() - t0} ms)`);
}
