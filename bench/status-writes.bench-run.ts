/**
 * `statusWrites` (issue 14): 10,000 resources of a definition with health rules on PostgreSQL,
 * 20 concurrent HTTP clients writing status (PUT …/status, executor token) through the real
 * server (`next start`); health is recomputed for every write. Offered rates step up; the figure
 * is the highest rate the server sustained (≥ 95 % of it achieved) with p99 ≤ 100 ms.
 * Target ≥ 500 writes/s on the 2-core dev machine. Prints one JSON line `{"statusWrites": …}`.
 *
 * Needs a production build (`npx next build`) and PostgreSQL (TEST_DATABASE_URL, default the
 * local server with trust auth).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import pg from "pg";
import { afterAll, beforeAll, describe, it } from "vitest";
import { startAppServer, type AppServer } from "@/test/support/app-server";

const RESOURCES = 10_000;
const CLIENTS = 20;
const STEP_SECONDS = Number(process.env.SYNCLINE_BENCH_STATUS_STEP_S ?? 6);
const RATES = (process.env.SYNCLINE_BENCH_STATUS_RATES ?? "100,250,500,750,1000,1500").split(",").map(Number);
const P99_LIMIT_MS = 100;

function dbUrl(db: string): string {
  const u = new URL(process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres");
  u.pathname = `/${db}`;
  return u.toString();
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Step {
  offered: number;
  achieved: number;
  p50: number;
  p99: number;
  errors: number;
  /** server CPU (user + system, /proc) per write: the figure a loaded machine does not distort much */
  serverCpuMsPerWrite: number | null;
  /** committed database transactions per write (pg_stat_database; each statement outside a transaction is one) */
  dbTransactionsPerWrite: number | null;
  /** load average when the step ended */
  load: number;
}

/** user + system CPU of a process in ms (Linux /proc), null elsewhere */
function cpuMs(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}

describe("bench: status writes", () => {
  let server: AppServer;
  let admin: pg.Client;
  const dbName = `syncline_bench_status_${crypto.randomBytes(4).toString("hex")}`;
  let executor = "";

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: dbUrl("postgres") });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    server = await startAppServer({ env: { DATABASE_URL: dbUrl(dbName), SYNCLINE_SCHEDULER: "0" } });
    const basic = `Basic ${Buffer.from(`admin:${server.adminPassword}`).toString("base64")}`;
    const t = await fetch(`${server.url}/api/v1/tokens`, {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/json" },
      body: JSON.stringify({ name: "bench-executor", role: "executor" }),
    });
    executor = ((await t.json()) as { token: string }).token;
    const a = await fetch(`${server.url}/api/v1/tokens`, {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/json" },
      body: JSON.stringify({ name: "bench-admin", role: "admin" }),
    });
    const adminToken = ((await a.json()) as { token: string }).token;
    const d = await fetch(`${server.url}/api/v1/definitions`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        metadata: { name: "apps.bench.io" },
        spec: {
          group: "bench.io",
          version: "v1",
          names: { kind: "App", plural: "apps" },
          scope: "Namespaced",
          health: {
            inProgress: "self.status.?readyReplicas.orValue(0) < self.spec.replicas && !self.status.?failed.orValue(false)",
            failed: "self.status.?failed.orValue(false)",
            current: "self.status.?readyReplicas.orValue(0) == self.spec.replicas",
          },
        },
      }),
    });
    if (d.status !== 201) throw new Error(`definition: ${d.status} ${await d.text()}`);
    // 10,000 rows in one statement (the API path of a resource is not what this measures)
    const db = new pg.Client({ connectionString: dbUrl(dbName) });
    await db.connect();
    await db.query(
      `INSERT INTO "Resource" ("id", "definitionId", "kind", "namespace", "name", "spec", "liveSpecHash", "updatedAt")
       SELECT gen_random_uuid()::text, d."id", 'App', 'bench', 'app-' || i, jsonb_build_object('replicas', 3, 'image', 'web:' || i), md5(i::text), now()
       FROM generate_series(1, ${RESOURCES}) i, "ResourceDefinition" d WHERE d."name" = 'apps.bench.io'`,
    );
    await db.end();
  });
  afterAll(async () => {
    await server?.stop();
    await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin?.end();
  });

  async function commits(): Promise<number> {
    // stats reach pg_stat_database when a backend reports them (at most ~1 s late): read fresh ones
    await admin.query("SELECT pg_stat_clear_snapshot()");
    const r = await admin.query<{ n: string }>("SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = $1", [dbName]);
    return Number(r.rows[0]?.n ?? NaN);
  }

  const putStatus = (i: number, ready: number) =>
    fetch(`${server.url}/api/v1/resources/App/bench/app-${i}/status`, {
      method: "PUT",
      headers: { authorization: `Bearer ${executor}`, "content-type": "application/json" },
      body: JSON.stringify({ status: { readyReplicas: ready, failed: ready === 0 && Math.random() < 0.1, observedGeneration: 1 } }),
    });

  /**
   * Warm-up: every client writing back to back for a few seconds, so the server has compiled its
   * hot code and opened all its database connections (a new PostgreSQL backend plans its first
   * statements against cold catalog caches: the first second of a step at a new concurrency
   * otherwise held every slow write of the step).
   */
  async function warmUp(seconds: number): Promise<void> {
    const end = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < end) await (await putStatus(1 + Math.floor(Math.random() * RESOURCES), Math.floor(Math.random() * 4))).arrayBuffer();
      }),
    );
  }

  async function step(rate: number): Promise<Step> {
    const cpu0 = cpuMs(server.pid);
    const xact0 = await commits();
    const latencies: number[] = [];
    let errors = 0;
    const perClient = rate / CLIENTS;
    const start = performance.now();
    const end = start + STEP_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        let next = start + (c / CLIENTS) * (1000 / perClient);
        while (next < end) {
          const wait = next - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const i = 1 + Math.floor(Math.random() * RESOURCES);
          const ready = Math.floor(Math.random() * 4);
          const t = performance.now();
          const r = await putStatus(i, ready);
          await r.arrayBuffer();
          latencies.push(performance.now() - t);
          if (r.status !== 200) errors++;
          next += 1000 / perClient;
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const cpu1 = cpuMs(server.pid);
    await new Promise((r) => setTimeout(r, 1_500)); // let the backends report their stats
    const xact1 = await commits();
    const sorted = latencies.sort((a, b) => a - b);
    return {
      offered: rate,
      achieved: Math.round(latencies.length / seconds),
      p50: Math.round(percentile(sorted, 50)),
      p99: Math.round(percentile(sorted, 99)),
      errors,
      serverCpuMsPerWrite: cpu0 === null || cpu1 === null ? null : Math.round(((cpu1 - cpu0) / latencies.length) * 100) / 100,
      // (the reads of the count are made in the postgres database, not counted here)
      dbTransactionsPerWrite: Math.round(((xact1 - xact0) / latencies.length) * 100) / 100,
      load: Math.round(os.loadavg()[0]! * 100) / 100,
    };
  }

  it("finds the highest sustained status-write rate with p99 ≤ 100 ms", async () => {
    await warmUp(4);
    const steps: Step[] = [];
    let best: Step | null = null;
    for (const rate of RATES) {
      const s = await step(rate);
      steps.push(s);
      console.log(
        `status writes: offered ${s.offered}/s achieved ${s.achieved}/s p50 ${s.p50} ms p99 ${s.p99} ms errors ${s.errors}` +
          ` | server CPU ${s.serverCpuMsPerWrite} ms/write, ${s.dbTransactionsPerWrite} DB transactions/write, load ${s.load}`,
      );
      const sustained = s.achieved >= 0.95 * s.offered && s.p99 <= P99_LIMIT_MS && s.errors === 0;
      if (!sustained) break;
      best = s;
    }
    console.log(
      JSON.stringify({
        statusWrites: { writesPerSecond: best?.achieved ?? 0, p99Ms: best?.p99 ?? null, resources: RESOURCES, clients: CLIENTS, target: 500, steps },
      }),
    );
  });
});
