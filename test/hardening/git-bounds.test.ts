/**
 * Hardening — a Git pack that inflates without limit (issue 19, H1). Three 400 MB files of
 * zeros outside the synced path make a pack of about 1.1 MiB; indexing it used to inflate and
 * keep every object (+1.2 GB of RSS). The sync runs in a child process (git-bounds-worker.ts)
 * whose peak RSS growth is measured by the kernel (VmHWM), against a real git http-backend.
 */
import { execFileSync, fork } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles, git } from "@/test/support/git-repo";
import { widget } from "./support";

interface WorkerResult {
  phase: string;
  error: string | null;
  log: string;
  rssBeforeMiB: number;
  peakGrowthMiB: number;
  ms: number;
  packs: number;
}

function syncInChild(warm: { url: string; branch: string }, url: string): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(import.meta.dirname, "git-bounds-worker.ts"), [warm.url, warm.branch, url], {
      execArgv: ["--conditions=react-server", "--import", "tsx"],
      env: { ...process.env, LOG_LEVEL: "warn" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result: WorkerResult | undefined;
    child.on("message", (m: WorkerResult) => (result = m));
    child.on("error", reject);
    child.on("exit", (code) => (result ? resolve(result) : reject(new Error(`worker exited with ${code} and no result`))));
  });
}

/** `size` zeros then one distinguishing byte, written by the shell (never held by this process). */
function zeros(file: string, size: string, tail: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  execFileSync("sh", ["-c", `head -c ${size} /dev/zero > "$1" && printf %s "$2" >> "$1"`, "sh", file, tail]);
}

describe("hardening: Git pack bounds", () => {
  let fx: GitFixture;
  let warmUrl: string;

  /**
   * A served repo: branch "small" with warm/w.json only; main adds resources/ai.json, three
   * 400 MB zeros files outside the synced path and one 200 MB zeros file inside it.
   */
  function zerosRepo(name: string, gitConfig: Record<string, string>): string {
    const repo = fx.repo(name);
    for (const [k, v] of Object.entries(gitConfig)) git(repo.dir, ["config", k, v]);
    commitFiles(repo.dir, { "warm/w.json": widget("p", "w", { replicas: 1 }, "Warm") }, "small");
    git(repo.dir, ["branch", "small"]);
    for (const i of [1, 2, 3]) zeros(path.join(repo.dir, "assets", `z${i}.bin`), "400M", String(i));
    zeros(path.join(repo.dir, "resources", "huge.yaml"), "200M", "h");
    commitFiles(repo.dir, { "resources/ai.json": widget("p", "ai", { replicas: 1 }, "Zeros") }, "zeros outside the path");
    // the working files are not needed to serve the repository: spare the disk
    fs.rmSync(path.join(repo.dir, "assets"), { recursive: true });
    fs.rmSync(path.join(repo.dir, "resources", "huge.yaml"));
    return repo.url;
  }

  beforeAll(() => {
    return (async () => {
      fx = await startGitFixture();
      const warm = fx.repo("warm");
      commitFiles(warm.dir, { "warm/w.json": widget("p", "w", { replicas: 1 }, "Warm") }, "warm");
      warmUrl = warm.url;
    })();
  }, 300_000);

  afterAll(async () => {
    await fx?.close();
  });

  const cases: Array<{ title: string; repo: string; config: Record<string, string>; incremental: boolean }> = [
    // git keeps files over core.bigFileThreshold whole: the probe's 1.1 MiB pack of three whole
    // blobs, received by the first (native shallow) fetch
    { title: "three whole blobs (a 1.1 MiB pack) in the first fetch", repo: "zeros-whole", config: { "core.bigFileThreshold": "100m" }, incremental: false },
    // git's default: two of the 400 MB files arrive as deltas against the third, in an
    // incremental fetch (isomorphic-git's path) after the branch "small" filled the store
    { title: "two of them deltas against a 400 MB base, in an incremental fetch", repo: "zeros-delta", config: {}, incremental: true },
  ];
  for (const { title, repo, config, incremental } of cases) {
    it(`three 400 MB files of zeros outside the synced path, ${title}: peak RSS grows < 100 MiB; a 200 MB file inside the path is a per-file problem naming it`, async () => {
      const url = zerosRepo(repo, config);
      const r = await syncInChild(incremental ? { url, branch: "small" } : { url: warmUrl, branch: "main" }, url);
      console.log(`H1 ${title}: peak RSS growth ${r.peakGrowthMiB.toFixed(1)} MiB over ${r.rssBeforeMiB.toFixed(0)} MiB, sync ${r.ms} ms`);
      expect(r.packs).toBe(incremental ? 2 : 1);
      expect(r.error).toBeNull();
      expect(r.phase).toBe("Succeeded");
      expect(r.log).toMatch(/file problem: resources\/huge\.yaml: file skipped: 209715201 bytes \(200 MiB\) is over the maxFileBytes limit of 1048576 bytes/);
      expect(r.peakGrowthMiB).toBeLessThan(100);
    }, 300_000);
  }
});
