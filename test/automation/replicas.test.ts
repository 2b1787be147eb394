/**
 * Two server processes on one real PostgreSQL: every due sync runs exactly once across the
 * replicas (checked in the SyncRun table), and when the replica running a sync is killed,
 * the run ends Interrupted and the other replica syncs the commit.
 */
import crypto from "node:crypto";
import http from "node:http";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, startAppServer, type AppServer } from "@/test/support/app-server";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { apiFor, definitionBody, doc, runsOf, waitFor, type Api } from "./api-client";
import { parsePrometheusText } from "./prom-text";
import { testDatabaseUrl } from "./pg-url";

const SECRET = "replica-webhook-secret";

/** A pass-through in front of the Git server that can hold fetches (git-upload-pack POSTs) of one repo. */
async function startSlowProxy(target: string) {
  const state = { slowRepo: "", delayMs: 0 };
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const forward = () => {
      const p = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      p.on("error", () => res.destroy());
      req.pipe(p);
    };
    const candidate =
      state.delayMs > 0 && req.method === "POST" && (req.url ?? "").startsWith(`/${state.slowRepo}/`) && (req.url ?? "").includes("git-upload-pack");
    if (!candidate) return forward();
    // hold only object fetches ("want …"), not ref listings, so the run starts and then hangs
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      const send = () => {
        const p = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        p.on("error", () => res.destroy());
        p.end(body);
      };
      if (body.includes("want ")) setTimeout(send, state.delayMs);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    state,
    url: (name: string) => `http://127.0.0.1:${port}/${name}`,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

async function processIdOf(server: AppServer, token: string): Promise<string> {
  const text = await (await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const info = parsePrometheusText(text).get("syncline_process_info");
  const id = info?.samples[0]?.labels.process;
  if (!id) throw new Error("no syncline_process_info");
  return id;
}

describe("two replicas on one PostgreSQL", () => {
  let fx: GitFixture;
  let proxy: Awaited<ReturnType<typeof startSlowProxy>>;
  let a: AppServer;
  let b: AppServer;
  let apiA: Api;
  let tokenA: string;
  let db: pg.Client;
  let dbName = "";
  const base = testDatabaseUrl();

  beforeAll(async () => {
    dbName = `syncline_replicas_${crypto.randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${dbName}`;
    const databaseUrl = u.toString();
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    fx = await startGitFixture();
    const env = {
      SYNCLINE_DIST_DIR: process.env.SYNCLINE_DIST_DIR ?? ".next",
      DATABASE_URL: databaseUrl,
      SYNCLINE_SECRET_KEY: crypto.randomBytes(32).toString("hex"),
      SYNCLINE_ADMIN_PASSWORD: "replica-admin-password",
      SYNCLINE_SCHEDULER_TICK_MS: "100",
      SYNCLINE_LEASE_TTL_MS: "2000",
      SYNCLINE_REFRESH_JITTER: "0.1",
    };
    a = await startAppServer({ env });
    b = await startAppServer({ env });
    tokenA = await issueToken(a, "admin");
    apiA = apiFor(a, tokenA);
    expect((await apiA.post("/api/v1/secrets", { name: "webhook", type: "webhook", secret: SECRET })).status).toBe(201);
  });

  afterAll(async () => {
    await a?.stop().catch(() => undefined);
    await b?.stop().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await proxy?.close();
    await fx?.close();
    if (dbName) {
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  });

  it("20 due syncs across 10 definitions run exactly once each", async () => {
    const repos = Array.from({ length: 10 }, (_, i) => fx.repo(`r${i}`));
    const first = repos.map((r, i) => commitFiles(r.dir, { "x.json": doc(`Kind${i}`, "x", 1) }, "one"));
    for (let i = 0; i < 10; i++) {
      expect(
        (await apiA.post("/api/v1/definitions", definitionBody(`d${i}.example.io`, `Kind${i}`, repos[i]!.url, { interval: 10, policy: { automated: true } })))
          .status,
      ).toBe(201);
    }
    const synced = async (commits: string[]) => {
      const { rows } = await db.query<{ c: string }>(`SELECT "syncedCommit" AS c FROM "ResourceDefinition" ORDER BY "name"`);
      return rows.length === 10 && rows.every((r, i) => r.c === commits[i]);
    };
    await waitFor("first round of auto-syncs", () => synced(first), 15_000, 100);
    const second = repos.map((r, i) => commitFiles(r.dir, { "x.json": doc(`Kind${i}`, "x", 2) }, "two"));
    await waitFor("second round of auto-syncs (interval 10 s)", () => synced(second), 20_000, 100);
    await new Promise((r) => setTimeout(r, 1_500)); // a late duplicate would show up here

    const { rows } = await db.query<{ definitionId: string; resolvedCommit: string; phase: string; trigger: string; owner: string }>(
      `SELECT "definitionId", "resolvedCommit", "phase", "trigger", "owner" FROM "SyncRun"`,
    );
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.phase === "Succeeded" && r.trigger === "auto")).toBe(true);
    const pairs = new Set(rows.map((r) => `${r.definitionId}@${r.resolvedCommit}`));
    expect(pairs.size).toBe(20);
    const owners = new Map<string, number>();
    for (const r of rows) owners.set(r.owner, (owners.get(r.owner) ?? 0) + 1);
    console.log("runs per replica:", JSON.stringify(Object.fromEntries(owners)));
    expect([...owners.keys()].every((o) => o !== null)).toBe(true);
  });

  it("killing the replica mid-run leaves the run Interrupted and the other replica syncs the commit", async () => {
    proxy = await startSlowProxy(fx.server.url(""));
    const repo = fx.repo("slow");
    commitFiles(repo.dir, { "s.json": doc("Slow", "s", 1) }, "one");
    const url = proxy.url("slow");
    expect(
      (await apiA.post("/api/v1/definitions", definitionBody("slow.example.io", "Slow", url, { interval: 3600, policy: { automated: true } }))).status,
    ).toBe(201);
    await waitFor("first sync", async () => (await runsOf(apiA, "slow.example.io")).find((r) => r.phase === "Succeeded"), 15_000);

    const tokenB = await issueToken(b, "viewer", "b-viewer");
    const idA = await processIdOf(a, tokenA);
    const idB = await processIdOf(b, tokenB);
    expect(idA).not.toBe(idB);

    proxy.state.slowRepo = "slow";
    proxy.state.delayMs = 8_000;
    const c2 = commitFiles(repo.dir, { "s.json": doc("Slow", "s", 2) }, "two");
    // a sync asked of replica A (a webhook would first be checked against the path in the
    // scheduler's shared fetch, which the proxy holds before any run exists)
    expect((await apiA.post("/api/v1/definitions/slow.example.io/sync", {})).status).toBe(202);
    const running = await waitFor(
      "a run of replica A in progress",
      async () => (await db.query<{ id: string; owner: string }>(`SELECT "id", "owner" FROM "SyncRun" WHERE "phase" = 'Running'`)).rows[0],
      5_000,
      20,
    );
    expect(running.owner).toBe(idA);
    await a.kill();
    proxy.state.delayMs = 0;

    const t0 = Date.now();
    const ended = await waitFor(
      "the killed run to end Interrupted",
      async () => (await db.query<{ phase: string }>(`SELECT "phase" FROM "SyncRun" WHERE "id" = $1 AND "phase" <> 'Running'`, [running.id])).rows[0],
      15_000,
      50,
    );
    expect(ended.phase).toBe("Interrupted");
    const next = await waitFor(
      "replica B to sync the commit",
      async () =>
        (await db.query<{ owner: string; phase: string }>(`SELECT "owner", "phase" FROM "SyncRun" WHERE "resolvedCommit" = $1 AND "phase" = 'Succeeded'`, [c2]))
          .rows[0],
      15_000,
      50,
    );
    console.log(`takeover after kill: ${Date.now() - t0} ms`);
    expect(next.owner).toBe(idB);
    const { rows } = await db.query(`SELECT "id" FROM "SyncRun" WHERE "phase" IN ('Running', 'Pending')`);
    expect(rows).toHaveLength(0);
  });
});
