// Is .next older than the sources it was built from?
import fs from "node:fs";
import path from "node:path";

const sources = ["app", "components", "lib", "instrumentation.ts", "next.config.js", "package.json", "postcss.config.mjs", "prisma/schema.prisma"];

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return p.endsWith(".test.ts") ? 0 : st.mtimeMs;
  let max = 0;
  for (const e of fs.readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

export function isBuildStale(root) {
  const buildId = path.join(root, process.env.SYNCLINE_DIST_DIR ?? ".next", "BUILD_ID");
  const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  if (!builtAt) return { stale: true, reason: "First start: building the dashboard (about a minute)…" };
  const changedAt = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
  return changedAt > builtAt ? { stale: true, reason: "Sources changed since the last build: building…" } : { stale: false, reason: "" };
}
