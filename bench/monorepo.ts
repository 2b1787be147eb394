/**
 * The monorepo benchmark's driver: generates one repository with DEFS folders (apps/d<i>, 10
 * resources each, kind D<i>) in a bare repo under the served root, and runs
 * `monorepo-worker.ts` in a child process (the server's side). Returns the worker's figures.
 */
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { createRepo, gitEnv } from "@/test/support/git-repo";

export interface MonorepoFigures {
  store: string;
  definitions: number;
  setupMs: number;
  sweepMs: number;
  sweepWallMs: number;
  fetches: number;
  oneChangeMs: number;
  oneChangeAllMs: string;
  plans: number;
  idleCpuPct: number;
  idleWindowS: number;
  idleRefreshes: number;
  idleFetches: number;
}

export function generateMonorepo(bare: string, defs: number): void {
  createRepo(bare, { bare: true });
  const parts: Buffer[] = [Buffer.from(`commit refs/heads/main\ncommitter Bench <bench@syncline.invalid> 1700000000 +0000\ndata 9\nmonorepo\n`)];
  for (let i = 0; i < defs; i++) {
    for (let r = 0; r < 10; r++) {
      const body = Buffer.from(JSON.stringify({ kind: `D${i}`, metadata: { name: `r${r}`, namespace: "default" }, spec: { size: r } }));
      parts.push(Buffer.from(`M 100644 inline apps/d${i}/r${r}.json\ndata ${body.length}\n`), body, Buffer.from("\n"));
    }
  }
  parts.push(Buffer.from("\n"));
  execFileSync("git", ["fast-import", "--quiet"], { cwd: bare, env: gitEnv(), input: Buffer.concat(parts) });
}

/** Asynchronous on purpose: the Git server the worker fetches from lives in this process's event loop. */
export function runMonorepoWorker(url: string, bare: string, store: "pglite" | "postgres"): Promise<MonorepoFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        // e.g. BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server's side
        ...(process.env.BENCH_WORKER_NODE_ARGS ? process.env.BENCH_WORKER_NODE_ARGS.split(" ") : []),
        "--conditions=react-server",
        "--import",
        "tsx",
        path.join(import.meta.dirname, "monorepo-worker.ts"),
        url,
        bare,
        store,
      ],
      { env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" }, stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`monorepo worker exited with ${code}`));
      resolve(JSON.parse(out.trim().split("\n").at(-1)!) as MonorepoFigures);
    });
  });
}
