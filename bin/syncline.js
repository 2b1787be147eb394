#!/usr/bin/env node
/**
 * Entry point for `syncline` / `npx syncline`: runs the CLI as compiled JavaScript from
 * cli/dist (built from cli/ by scripts/build-cli.mjs at `npm install`, `npm run build` and before
 * the tests). No TypeScript loader at run time; a checkout without the build gets it built once.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entry = path.join(root, "cli", "dist", "main.js");
if (!fs.existsSync(entry)) await (await import(pathToFileURL(path.join(root, "scripts", "build-cli.mjs")).href)).buildCli();
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
