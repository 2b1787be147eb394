/**
 * Live events across replicas: two server processes on one PostgreSQL; a sync started on
 * replica A is seen by an event stream on replica B (LISTEN/NOTIFY, one listening connection
 * per process), with B loading the run and the summary itself.
 */
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, startAppServer, type AppServer } from "@/test/support/app-server";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { openSse, type SseStream } from "@/test/support/sse-client";
import { apiFor, definitionBody, doc } from "./api-client";
import { testDatabaseUrl } from "./pg-url";

describe("live events across two replicas on one PostgreSQL", () => {
  let fx: GitFixture;
  let a: AppServer;
  let b: AppServer;
  let dbName = "";
  let db: pg.Client;
  const streams: SseStream[] = [];
  const base = testDatabaseUrl();

  beforeAll(async () => {
    dbName = `syncline_events_${crypto.randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${dbName}`;
    fx = await startGitFixture();
    const env = {
      SYNCLINE_DIST_DIR: process.env.SYNCLINE_DIST_DIR ?? ".next",
      DATABASE_URL: u.toString(),
      SYNCLINE_SECRET_KEY: crypto.randomBytes(32).toString("hex"),
      SYNCLINE_ADMIN_PASSWORD: "replica-admin-password",
      SYNCLINE_SCHEDULER: "0",
    };
    a = await startAppServer({ env });
    b = await startAppServer({ env });
    db = new pg.Client({ connectionString: u.toString() });
    await db.connect();
  });

  afterAll(async () => {
    for (const s of streams) s.close();
    await db?.end().catch(() => undefined);
    await a?.stop().catch(() => undefined);
    await b?.stop().catch(() => undefined);
    await fx?.close();
    if (dbName) {
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  });

  it("a sync on replica A is seen by a stream on replica B", async () => {
    const token = await issueToken(a, "admin");
    const apiA = apiFor(a, token);
    const repo = fx.repo("apps");
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`a${i}.json`] = doc("App", `a${i}`, i);
    commitFiles(repo.dir, files, "twenty apps");
    expect((await apiA.post("/api/v1/definitions", definitionBody("apps.example.io", "App", repo.url, { interval: 3600 }))).status).toBe(201);

    // one listening connection per process
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'syncline-live'`, [
      dbName,
    ]);
    expect(Number(rows[0]!.n)).toBe(2);

    const onB = await openSse(`${b.url}/api/v1/events?definition=apps.example.io`, { authorization: `Bearer ${token}` });
    streams.push(onB);
    expect(onB.status).toBe(200);
    const r = await apiA.post<{ id: string }>("/api/v1/definitions/apps.example.io/sync", {});
    expect(r.status).toBe(202);
    const started = await onB.next((e) => e.type === "run.started", 15_000, "run.started on B");
    expect((started.data as { run: { id: string } }).run.id).toBe(r.body.id);
    const finished = await onB.next((e) => e.type === "run.finished", 30_000, "run.finished on B");
    expect((finished.data as { run: { id: string; phase: string } }).run).toMatchObject({ id: r.body.id, phase: "Succeeded" });
    const status = await onB.next(
      (e) => e.type === "definition.status" && (e.data as { summary: { counts: { Synced: number } } | null }).summary?.counts.Synced === 20,
      10_000,
      "definition.status with 20 synced on B",
    );
    expect((status.data as { definition: string }).definition).toBe("apps.example.io");
    const changed = await onB.next((e) => e.type === "resource.changed", 10_000, "resource.changed on B");
    expect((changed.data as { changes: unknown[] }).changes).toHaveLength(20);
  });
});
