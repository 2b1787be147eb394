/**
 * `cliMs`: a cold `syncline resource ls` (a new Node process running bin/syncline.js, the built
 * CLI) against a running production server, median of 5 after one warm-up run. Builds the CLI
 * first (scripts/build-cli.mjs) and the dashboard when stale (scripts/build-if-stale.mjs; set
 * SYNCLINE_DIST_DIR to use another dist dir).
 */
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { buildCli } from "@/scripts/build-cli.mjs";
import { issueToken, startAppServer } from "@/test/support/app-server";

const root = path.resolve(import.meta.dirname, "..");

function runOnce(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(root, "bin", "syncline.js"), ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ ms: performance.now() - t0, code: code ?? -1, out }));
  });
}

export async function measureCli(): Promise<{ cliMs: number; cliAllMs: number[]; versionMs: number }> {
  await buildCli();
  const build = spawnSync(process.execPath, [path.join(root, "scripts", "build-if-stale.mjs")], { cwd: root, stdio: "inherit", env: process.env });
  if (build.status !== 0) throw new Error("the production build failed");
  const server = await startAppServer({ env: { SYNCLINE_SCHEDULER: "0" } });
  try {
    const token = await issueToken(server, "viewer", "bench-cli");
    const env = { ...process.env, NO_COLOR: "1", SYNCLINE_SERVER: server.url, SYNCLINE_TOKEN: token, HOME: path.join(root, ".tmp") };
    const ls = () => runOnce(["resource", "ls"], env);
    const warm = await ls();
    if (warm.code !== 0) throw new Error(`syncline resource ls exited ${warm.code}: ${warm.out}`);
    const all: number[] = [];
    for (let i = 0; i < 5; i++) all.push((await ls()).ms);
    const versions: number[] = [];
    for (let i = 0; i < 3; i++) versions.push((await runOnce(["--version"], env)).ms);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return { cliMs: median(all), cliAllMs: all.map(Math.round), versionMs: median(versions) };
  } finally {
    await server.stop();
  }
}
