/**
 * The pages in a browser on their own (issue 17): the part of `npm run bench` that
 * `bench/ui.ts` measures, without the sync and monorepo benches before it.
 *
 *   BENCH_ONLY=ui npx vitest run --config vitest.bench.config.ts bench/ui.bench-run.ts
 *
 * (`npm run bench` measures the pages once, inside bench/sync.bench-run.ts; without BENCH_ONLY=ui
 * this file does nothing.)
 *
 * BENCH_FILES (default 10,000) files in the repository, BENCH_UI_DEFS (default 1,000) definitions,
 * BENCH_LOG=1 prints every load with its breakdown. BENCH_UI_DATA=dir keeps the repository and the
 * store there; a later run with the same dir skips the setup (same Git port, same run) to measure a change.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { it } from "vitest";
import { generateBenchRepo } from "@/test/support/bench-repo";
import { startGitHttpServer } from "@/test/support/git-http-server";
import { measureUi } from "./ui";

const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const schema = { type: "object", required: ["replicas"], properties: { replicas: { type: "integer", minimum: 0 }, note: { type: "string" } } };

it.runIf(process.env.BENCH_ONLY === "ui")(`measures the pages (${FILES} resources, ${process.env.BENCH_UI_DEFS ?? 1000} definitions)`, async () => {
  const keep = process.env.BENCH_UI_DATA;
  const work = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), "syncline-bench-ui-"));
  const fixtureFile = path.join(work, "fixture.json");
  const fixture = fs.existsSync(fixtureFile) ? (JSON.parse(fs.readFileSync(fixtureFile, "utf8")) as { port: number; runId: string }) : null;
  const root = path.join(work, "served");
  if (!fixture) {
    fs.mkdirSync(root, { recursive: true });
    generateBenchRepo(path.join(root, "bench.git"), { files: FILES });
  }
  const server = await startGitHttpServer({ root, ...(fixture ? { port: fixture.port } : {}) });
  try {
    const url = server.url("bench.git");
    const ui = await measureUi(url, schema, keep ? { dataDir: path.join(work, "app"), ...(fixture ? { runId: fixture.runId } : {}) } : undefined);
    if (keep && !fixture) fs.writeFileSync(fixtureFile, JSON.stringify({ port: Number(new URL(url).port), runId: ui.runId }));
    console.log(`\n| page in Chromium, cold, navigation → first rows, median of 5 | ms | target |\n|---|---:|---|`);
    console.log(`| overview, ${process.env.BENCH_UI_DEFS ?? 1000} definitions (${ui.all.overview!.join(", ")}) | ${ui.overviewMs} | ≤ 1,000 ms |`);
    console.log(`| definition page, ${FILES} resources (${ui.all.definition!.join(", ")}) | ${ui.definitionMs} | ≤ 1,000 ms |`);
    console.log(`| run page, its first sync, ${FILES} creates (${ui.all.run!.join(", ")}) | ${ui.runMs} | ≤ 1,000 ms |`);
    for (const [page, b] of Object.entries(ui.breakdown)) {
      console.log(
        `| ${page}: median ttfb ${b.ttfbMs} ms, server CPU ${b.serverCpuMs} ms, document ${b.documentMs} ms, ${Math.round(b.htmlBytes / 1024)} KiB HTML, ${Math.round(b.jsBytes / 1024)} KiB JS (${b.scripts} scripts), ${b.fetches} fetches after load | | |`,
      );
    }
    console.log(
      `| (setup: sync + definitions through the API, ${(ui.setupMs / 1000).toFixed(0)} s; load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}) | | |`,
    );
    console.log(JSON.stringify({ ui: { overviewMs: ui.overviewMs, definitionMs: ui.definitionMs, runMs: ui.runMs, breakdown: ui.breakdown } }));
  } finally {
    await server.close();
    if (!keep) fs.rmSync(work, { recursive: true, force: true });
  }
});
