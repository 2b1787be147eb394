/**
 * The monorepo side of `npm run bench` (issue 17), in its own process as the server would run:
 * DEFS definitions (default 1,000) on one repository, each its own folder of 10 resources,
 * automated, interval 60 s, with the scheduler running. Prints one JSON line:
 *   sweepMs    CPU time of the process for one scheduler sweep where every definition is due and nothing changed
 *   fetches    remote Git operations (head checks + fetches) in that sweep
 *   oneChangeMs  a commit changing one definition's folder, then a signed webhook → that definition applied (median of 5)
 *   plans      plans made for such a change (full refreshes + runs, the most of the 5)
 *   idleCpuPct the process's CPU over an idle window (BENCH_IDLE_S, default 70 s: one interval sweep inside it)
 *
 *   node --conditions=react-server --import tsx bench/monorepo-worker.ts <repo url> <bare dir> <store>
 */
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import { openTestStore } from "@/test/support/test-store";
import { definitionBody } from "@/test/support/definition-body";
import { gitEnv } from "@/test/support/git-repo";
import { createUser } from "@/lib/server/services/users";
import { addDefinition } from "@/lib/server/services/definitions";
import { putSecret } from "@/lib/server/services/secrets";
import { findDefinition, getDefinitions } from "@/lib/server/data/definitions";
import { getDb } from "@/lib/server/db";
import { reconcile } from "@/lib/server/scheduler/reconcile";
import { refreshUnchangedInBulk } from "@/lib/server/services/refresh-bulk";
import { schedulerConfig } from "@/lib/server/scheduler/config";
import { installRunHooks, startScheduler, stopScheduler } from "@/lib/server/scheduler/scheduler";
import { handleWebhook } from "@/lib/server/webhooks/handle-webhook";
import { subscribe } from "@/lib/server/runtime/events";
import { forgetBranchHeads } from "@/lib/server/services/shared-git";
import type { Principal } from "@/lib/server/auth/principal";

const [url, bare, storeKind] = process.argv.slice(2) as [string, string, string];
const DEFS = Number(process.env.BENCH_MONOREPO_DEFS ?? 1000);
const SETUP_PARALLEL = 8;
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 70);
const SECRET = "bench-webhook-secret";
const name = (i: number) => `d${i}s.example.io`;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** a commit rewriting one file of definition i's folder (git fast-import on the bare repo) */
function change(i: number, round: number): string {
  const body = Buffer.from(JSON.stringify({ kind: `D${i}`, metadata: { name: "r0", namespace: "default" }, spec: { size: 1000 + round } }));
  const msg = `change d${i} (round ${round})`;
  const when = `${1_700_000_000 + round} +0000`;
  const input = Buffer.concat([
    Buffer.from(`commit refs/heads/main\ncommitter Bench <bench@syncline.invalid> ${when}\ndata ${msg.length}\n${msg}\nfrom refs/heads/main^0\n`),
    Buffer.from(`M 100644 inline apps/d${i}/r0.json\ndata ${body.length}\n`),
    body,
    Buffer.from("\n\n"),
  ]);
  execFileSync("git", ["fast-import", "--quiet"], { cwd: bare, env: gitEnv(), input });
  return execFileSync("git", ["rev-parse", "refs/heads/main"], { cwd: bare, env: gitEnv() }).toString().trim();
}

async function main(): Promise<Record<string, number | string>> {
  const store = await openTestStore({ postgres: storeKind === "postgres" });
  try {
    const u = await createUser({ username: "bench", password: "bench-password", role: "admin" });
    const who: Principal = { via: "token", userId: u.id, username: "bench", role: "admin" };
    await putSecret({ name: "webhook", type: "webhook", secret: SECRET }, who);
    installRunHooks();
    const cfg = schedulerConfig();
    const schema = { type: "object", properties: { size: { type: "integer" } } };

    // DEFS definitions through the service layer, then each one's first sync as the scheduler
    // runs it (reconcile, SETUP_PARALLEL at a time): the first fetches the repository, the
    // others plan from the store. One bulk refresh then checks that every definition is
    // settled (its next refresh is the cheap one), as the sweep below expects.
    const tSetup = performance.now();
    const phase = { addMs: 0, syncMs: 0, checkMs: 0 };
    const pool = async (work: (i: number) => Promise<void>) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: SETUP_PARALLEL }, async () => {
          while (next < DEFS) await work(next++);
        }),
      );
    };
    await pool(async (i) => {
      await addDefinition(
        definitionBody({ name: name(i), kind: `D${i}`, repoURL: url, path: `/apps/d${i}`, interval: 60, schema, syncPolicy: { automated: true } }),
        who,
      );
    });
    phase.addMs = performance.now() - tSetup;
    await pool(async (i) => {
      const r = await reconcile((await findDefinition(name(i)))!, "interval", cfg, { headMaxAgeMs: 600_000 });
      if (!("runId" in r.sync) || r.sync.phase !== "Succeeded") throw new Error(`${name(i)}: first sync ${JSON.stringify(r.sync)}`);
    });
    phase.syncMs = performance.now() - tSetup - phase.addMs;
    const rows = await getDefinitions();
    const settledAtSetup = await refreshUnchangedInBulk(rows.map((row) => ({ row, headMaxAgeMs: 600_000 })));
    if (settledAtSetup.size !== DEFS) throw new Error(`${DEFS - settledAtSetup.size} definitions are not settled after their first sync`);
    phase.checkMs = performance.now() - tSetup - phase.addMs - phase.syncMs;
    const setupMs = performance.now() - tSetup;
    if (process.env.BENCH_LOG) console.error(`setup: ${JSON.stringify(phase)}`);

    const ops: string[] = [];
    subscribe("git-operation", ({ operation, seconds }) => {
      ops.push(operation);
      if (process.env.BENCH_LOG) console.error(`${new Date().toISOString()} git ${operation} ${Math.round(seconds * 1000)} ms`);
    });
    if (process.env.BENCH_LOG) subscribe("run-started", ({ run }) => console.error(`${new Date().toISOString()} run-started ${run.id}`));
    let refreshes = 0;
    let full = 0;
    const planned: string[] = [];
    subscribe("refresh-finished", ({ result, definition }) => {
      refreshes++;
      if (process.env.BENCH_LOG && result !== "cheap") console.error(`${new Date().toISOString()} refresh ${definition} ${result}`);
      if (result === "full") {
        full++;
        planned.push(`refresh ${definition}`);
      }
    });
    const finished: { definition: string; phase: string; at: number }[] = [];
    let waiter: (() => void) | undefined;
    subscribe("run-finished", ({ run, definition }) => {
      finished.push({ definition, phase: run.phase, at: performance.now() });
      if (process.env.BENCH_LOG) console.error(`${new Date().toISOString()} run-finished ${definition}\n${(run as { log?: string[] }).log?.join("\n") ?? ""}`);
      planned.push(`run ${definition} ${run.trigger} ${run.phase}`);
      waiter?.();
    });

    await startScheduler();
    const db = await getDb();

    // one sweep where everything is due and nothing changed
    await new Promise((r) => setTimeout(r, 1500));
    // as at the next interval: the head the setup shared is older than half the interval
    forgetBranchHeads([{ repoURL: url, branch: "main" }]);
    ops.length = 0;
    refreshes = 0;
    const cpu0 = cpuMs();
    const t0 = performance.now();
    await db.resourceDefinition.updateMany({ data: { lastRefreshAt: new Date(0) } });
    while (refreshes < DEFS) await new Promise((r) => setTimeout(r, 20));
    const sweepMs = cpuMs() - cpu0;
    const sweepWallMs = performance.now() - t0;
    const fetches = ops.length;

    // idle: the scheduler running, nothing changing (one interval sweep falls inside 70 s)
    ops.length = 0;
    refreshes = 0;
    const idleCpu0 = cpuMs();
    const idleT0 = performance.now();
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const idleCpuPct = ((cpuMs() - idleCpu0) / (performance.now() - idleT0)) * 100;
    const idleRefreshes = refreshes;
    const idleFetches = ops.length;

    // one definition's folder changes, then a webhook for the repository
    const times: number[] = [];
    let plans = 0;
    for (let round = 1; round <= 5; round++) {
      const i = Math.floor((round * DEFS) / 6);
      const commit = change(i, round);
      full = 0;
      finished.length = 0;
      planned.length = 0;
      refreshes = 0;
      const body = JSON.stringify({ repoURL: url, branch: "main" });
      const sig = `sha256=${crypto.createHmac("sha256", SECRET).update(body).digest("hex")}`;
      const tw = performance.now();
      if (process.env.BENCH_LOG) console.error(`${new Date().toISOString()} webhook for d${i}`);
      const res = await handleWebhook(
        "generic",
        new Request("http://127.0.0.1/api/webhooks/generic", {
          method: "POST",
          headers: { "content-type": "application/json", "x-syncline-signature": sig, "x-syncline-delivery": `bench-${round}` },
          body,
        }),
      );
      if (res.status !== 202) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
      for (;;) {
        const row = await findDefinition(name(i));
        if (row?.syncedCommit === commit) break;
        await new Promise<void>((r) => {
          waiter = r;
          setTimeout(r, 200);
        });
      }
      times.push(performance.now() - tw);
      // let every definition's refresh for this webhook, and the changed one's run, finish before counting plans
      const until = performance.now() + 30_000;
      while ((refreshes < DEFS || !finished.some((f) => f.definition === name(i))) && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
      plans = Math.max(plans, full + finished.length);
      if (full + finished.length !== 1) console.error(`round ${round} (d${i}): ${planned.join("; ")}`);
    }

    await stopScheduler();
    return {
      store: store.kind,
      definitions: DEFS,
      setupMs: Math.round(setupMs),
      sweepMs: Math.round(sweepMs),
      sweepWallMs: Math.round(sweepWallMs),
      fetches,
      oneChangeMs: Math.round(median(times)),
      oneChangeAllMs: times.map(Math.round).join(","),
      plans,
      idleCpuPct: Number(idleCpuPct.toFixed(2)),
      idleWindowS: IDLE_S,
      idleRefreshes,
      idleFetches,
    };
  } finally {
    await store.close();
  }
}

main().then(
  (r) => {
    console.log(JSON.stringify(r));
    process.exit(0);
  },
  (err: Error) => {
    console.error(err.stack ?? err.message);
    process.exit(1);
  },
);
