#!/usr/bin/env node
// Builds the dashboard when any source is newer than the last build (shared by start and test).
import { spawnSync } from "node:child_process";
import { isBuildStale } from "./build-state.mjs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const { stale, reason } = isBuildStale(root);
if (!stale) {
  console.log("build is up to date");
  process.exit(0);
}
console.log(reason);
const r = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
process.exit(r.status ?? 1);
