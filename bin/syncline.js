#!/usr/bin/env node
/**
 * Entry point for `syncline` / `npx syncline`. The CLI is TypeScript under cli/ and the
 * project ships no build step for it, so this registers tsx's loader (with the project's
 * tsconfig, so "@/…" aliases resolve from any working directory) and imports cli/main.ts.
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
register({ tsconfig: path.join(root, "tsconfig.json") });
const { main } = await import(pathToFileURL(path.join(root, "cli", "main.ts")).href);
process.exitCode = await main(process.argv.slice(2));
