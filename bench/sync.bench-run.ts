/**
 * The 10,000-resource sync benchmark. Generates a repo (YAML and JSON, ~1 KB each, 50
 * folders), serves it over smart HTTP on 127.0.0.1, and times the whole pipeline against
 * the floor measured in the same run: native `git clone --depth 1` + reading every blob,
 * plus parsing and validating the same files. Prints a table and, last, one JSON line.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { it } from "vitest";
import { generateBenchRepo, changeBenchFiles, measureNativeFloor } from "@/test/support/bench-repo";
import { startGitHttpServer } from "@/test/support/git-http-server";
import { gitEnv } from "@/test/support/git-repo";
import { openTestStore } from "@/test/support/test-store";
import { createUser } from "@/lib/server/services/users";
import { addDefinition } from "@/lib/server/services/definitions";
import { computeDiff, startSync } from "@/lib/server/services/sync";
import { listResources } from "@/lib/server/services/resources";
import { findDefinition } from "@/lib/server/data/definitions";
import { parseSourceFile } from "@/lib/engine/parse";
import { collectDesired } from "@/lib/engine/collect";
import { compileSpecValidator, validateDesired } from "@/lib/engine/validate";
import type { Principal } from "@/lib/server/auth/principal";

const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const schema = { type: "object", required: ["replicas"], properties: { replicas: { type: "integer", minimum: 0 }, note: { type: "string" } } };

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

function readAllBlobs(bareDir: string): { path: string; content: Buffer }[] {
  const env = gitEnv();
  const lines = execFileSync("git", ["ls-tree", "-r", "main"], { cwd: bareDir, env, maxBuffer: 1 << 30 }).toString().trim().split("\n");
  return lines.map((l) => {
    const [meta, p] = l.split("\t") as [string, string];
    const oid = meta.split(/\s+/)[2]!;
    return { path: p, content: execFileSync("git", ["cat-file", "blob", oid], { cwd: bareDir, env }) };
  });
}

function floorParse(blobs: { path: string; content: Buffer }[]): { parseValidateMs: number; resources: number } {
  const t0 = performance.now();
  const parsed = blobs.map((b) => ({ path: b.path, docs: parseSourceFile({ path: b.path, content: b.content }).docs }));
  const collected = collectDesired(parsed, { kind: "Widget", scope: "Namespaced" });
  const v = compileSpecValidator(schema);
  if (!v.ok) throw new Error("schema");
  const validated = validateDesired(collected.desired, v.validate);
  return { parseValidateMs: performance.now() - t0, resources: validated.length };
}

it(`syncs ${FILES} resources`, async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "syncline-bench-"));
  const root = path.join(work, "served");
  fs.mkdirSync(root);
  const bare = path.join(root, "bench.git");
  const tGen = performance.now();
  generateBenchRepo(bare, { files: FILES });
  console.log(`generated ${FILES} files in ${Math.round(performance.now() - tGen)} ms`);
  const server = await startGitHttpServer({ root });
  const url = server.url("bench.git");

  // The floor: native read + parse + validate of the same files.
  const floorRead = await measureNativeFloor(url, work);
  const { parseValidateMs, resources } = floorParse(readAllBlobs(bare));
  if (resources !== FILES) throw new Error(`expected ${FILES} resources, parsed ${resources}`);
  // what the floor held is garbage now; let the sync start from a clean heap
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().rss / 1048576;
  const floorMs = floorRead.totalMs + parseValidateMs;

  // BENCH_STORE=postgres (with TEST_DATABASE_URL) measures the same run on PostgreSQL
  const store = await openTestStore({ postgres: process.env.BENCH_STORE === "postgres" });
  console.log(`store: ${store.kind}`);
  const u = await createUser({ username: "bench", password: "bench-password", role: "admin" });
  const who: Principal = { via: "token", userId: u.id, username: "bench", role: "admin" };
  await addDefinition(
    {
      metadata: { name: "widgets.example.io" },
      spec: { group: "example.io", version: "v1", names: { kind: "Widget", plural: "widgets" }, scope: "Namespaced", schema, gitops: { repoURL: url, path: "/resources" } },
    },
    who,
  );
  const sync = async (o: { dryRun?: boolean } = {}) => {
    const { done } = await startSync({ definition: "widgets.example.io", trigger: "api", who, ...o });
    const run = await done;
    if (run.phase !== "Succeeded") throw new Error(`run ${run.phase}: ${run.error}`);
    return run;
  };

  const first = await time(() => sync());
  const mem = process.memoryUsage();
  console.log(`memory after first sync: rss ${(mem.rss / 1048576).toFixed(0)} MiB (before ${rssBefore.toFixed(0)}), heap ${(mem.heapUsed / 1048576).toFixed(0)} MiB, external ${(mem.external / 1048576).toFixed(0)} MiB, arrayBuffers ${(mem.arrayBuffers / 1048576).toFixed(0)} MiB`);
  if (process.env.BENCH_LOG) console.log((first.value.log as string[]).join("\n"));
  const noChange = await time(() => sync());
  changeBenchFiles(bare, 100, 1, { files: FILES });
  const change100 = await time(() => sync());
  changeBenchFiles(bare, 100, 2, { files: FILES });
  const dryRun = await time(() => sync({ dryRun: true }));
  const diff = await time(() => computeDiff("widgets.example.io"));
  const def = await findDefinition("widgets.example.io");
  const firstRows = await time(() => listResources({ definitionId: def!.id, limit: 50 }));
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;

  const rows: [string, number, string][] = [
    ["native floor: clone --depth 1 + ls-tree + cat-file", floorRead.totalMs, `${floorRead.files} blobs, ${(floorRead.bytes / 1048576).toFixed(1)} MiB`],
    ["floor: parse + validate the same files", parseValidateMs, `${resources} resources`],
    ["floor total", floorMs, ""],
    ["first full sync (fetch, parse, validate, plan, apply, record)", first.ms, `${first.value.counts ? JSON.stringify(first.value.counts) : ""}`],
    ["re-sync, no change", noChange.ms, ""],
    ["sync after 100 files changed in a new commit", change100.ms, JSON.stringify((change100.value.counts as Record<string, number>)?.update ?? 0) + " updated"],
    ["dry-run (100 more changed, full plan, recorded)", dryRun.ms, ""],
    ["diff (plan, not recorded)", diff.ms, `${diff.value.counts.update} to update`],
    ["resources page: first 50 rows of 10k", firstRows.ms, ""],
  ];
  console.log("\n| step | ms | notes |\n|---|---:|---|");
  for (const [name, ms, note] of rows) console.log(`| ${name} | ${ms.toFixed(0)} | ${note} |`);
  console.log(`| ratio first sync / floor | ${(first.ms / floorMs).toFixed(2)}× | target ≤ 2.5× |`);
  console.log(`| peak RSS | ${peakRssMiB.toFixed(0)} MiB | target < 400 MiB |\n`);
  console.log(
    JSON.stringify({
      firstSyncMs: Math.round(first.ms),
      floorMs: Math.round(floorMs),
      ratio: Number((first.ms / floorMs).toFixed(2)),
      noChangeMs: Math.round(noChange.ms),
      change100Ms: Math.round(change100.ms),
      dryRunMs: Math.round(dryRun.ms),
      diffMs: Math.round(diff.ms),
      firstRowsMs: Math.round(firstRows.ms),
      peakRssMiB: Math.round(peakRssMiB),
    }),
  );
  await server.close();
  await store.close();
  fs.rmSync(work, { recursive: true, force: true });
});
