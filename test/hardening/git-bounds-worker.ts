/**
 * The server side of git-bounds.test.ts, in its own process so its peak RSS is the sync's
 * alone (not Vitest's, not the Git server's): opens a store, syncs a small definition once
 * (loads every module), resets the kernel's peak-RSS mark (/proc/self/clear_refs, 5), syncs
 * the definition under test through the real service path and reports the peak's growth.
 *
 * Also reports how many packs the repository's store holds: a warm-up on another branch of the
 * same repository makes the measured fetch an incremental one (isomorphic-git's path).
 *
 *   node --conditions=react-server --import tsx test/hardening/git-bounds-worker.ts <warm-up url> <warm-up branch> <url>
 */
import fs from "node:fs";
import path from "node:path";
import { IsomorphicGitClient } from "@/lib/server/git/isomorphic-git-client";
import { openTestStore } from "@/test/support/test-store";
import { defineWidgets, logOf, makeAdmin, syncNow } from "./support";

const kib = (field: "VmHWM" | "VmRSS") => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync("/proc/self/status", "utf8"))?.[1]);

async function main(): Promise<void> {
  const [warmUrl, warmBranch, url] = process.argv.slice(2);
  const store = await openTestStore();
  try {
    const admin = await makeAdmin();
    await defineWidgets({ name: "warm.example.io", kind: "Warm", repoURL: warmUrl!, branch: warmBranch, path: "/warm" }, admin);
    const warm = await syncNow("warm.example.io", admin);
    if (warm.phase !== "Succeeded") throw new Error(`warm-up sync ${warm.phase}: ${warm.error}`);
    await defineWidgets({ name: "zeros.example.io", kind: "Zeros", repoURL: url!, path: "/resources" }, admin);
    fs.writeFileSync("/proc/self/clear_refs", "5");
    const before = kib("VmRSS");
    const t0 = Date.now();
    const run = await syncNow("zeros.example.io", admin);
    const peak = kib("VmHWM");
    const packDir = path.join(new IsomorphicGitClient({ cacheDir: path.join(store.dataDir, "git") }).storeDir(url!), "objects", "pack");
    const packs = fs.readdirSync(packDir).filter((f) => f.endsWith(".pack")).length;
    process.send!({
      phase: run.phase,
      error: run.error,
      log: logOf(run),
      rssBeforeMiB: before / 1024,
      peakGrowthMiB: (peak - before) / 1024,
      ms: Date.now() - t0,
      packs,
    });
  } finally {
    await store.close();
  }
}

main().catch((err: Error) => {
  process.send!({ phase: "Crashed", error: err.stack ?? err.message, log: "", rssBeforeMiB: 0, peakGrowthMiB: 0, ms: 0, packs: 0 });
});
