/**
 * Health deadlines across a replica restart (issue 14), with real processes: two server
 * processes on one PostgreSQL. A sync on replica A makes its resources Progressing (no rule
 * matches until their status says ready); A is killed (SIGKILL) before the progress deadline;
 * replica B's sweeper (stored due times, `health-timers` lease) turns them Degraded "no rule
 * matched within the deadline" after the deadline; A restarted does not fire them again: one
 * transition to Degraded per resource.
 */
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, startAppServer, type AppServer } from "@/test/support/app-server";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { apiFor, definitionBody, doc, waitFor, type Api } from "./api-client";
import { testDatabaseUrl } from "./pg-url";

const DEADLINE_S = 4;
const NAMES = ["h1", "h2", "h3"];

interface HealthRow {
  name: string;
  health: string | null;
  healthMessage: string | null;
  specChangedAt: Date;
  healthTransitionTime: Date | null;
}

describe("health deadlines on two replicas on one PostgreSQL", () => {
  let fx: GitFixture;
  let a: AppServer;
  let b: AppServer;
  let db: pg.Client;
  let dbName = "";
  const base = testDatabaseUrl();

  const rows = async () =>
    (
      await db.query<HealthRow>(
        `SELECT name, health, "healthMessage", "specChangedAt", "healthTransitionTime" FROM "Resource" WHERE kind = 'Healthy' ORDER BY name`,
      )
    ).rows;
  const transitions = async () =>
    (
      await db.query<{ name: string; from: string | null; to: string; message: string; at: Date }>(
        `SELECT r.name, t."from", t."to", t.message, t.at FROM "ResourceHealthTransition" t JOIN "Resource" r ON r.id = t."resourceId"
         WHERE r.kind = 'Healthy' ORDER BY r.name, t.at`,
      )
    ).rows;

  beforeAll(async () => {
    dbName = `syncline_health_${crypto.randomBytes(4).toString("hex")}`;
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(`CREATE DATABASE ${dbName}`);
    await c.end();
    const u = new URL(base);
    u.pathname = `/${dbName}`;
    db = new pg.Client({ connectionString: u.toString() });
    await db.connect();
    fx = await startGitFixture();
    const env = {
      SYNCLINE_DIST_DIR: process.env.SYNCLINE_DIST_DIR ?? ".next",
      DATABASE_URL: u.toString(),
      SYNCLINE_SECRET_KEY: crypto.randomBytes(32).toString("hex"),
      SYNCLINE_ADMIN_PASSWORD: "replica-admin-password",
      SYNCLINE_SCHEDULER_TICK_MS: "200",
    };
    a = await startAppServer({ env });
    b = await startAppServer({ env });
  });

  afterAll(async () => {
    await a?.stop().catch(() => undefined);
    await b?.stop().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await fx?.close();
    if (dbName) {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    }
  });

  it("replica A dies before the deadline: B turns its resources Degraded after it, once; A restarted does not fire again", async () => {
    const adminA: Api = apiFor(a, await issueToken(a, "admin"));
    const repo = fx.repo("healthy");
    commitFiles(repo.dir, Object.fromEntries(NAMES.map((n) => [`${n}.json`, doc("Healthy", n, 1)])), "three");
    const body = definitionBody("healthy.example.io", "Healthy", repo.url);
    const created = await adminA.post("/api/v1/definitions", {
      ...body,
      spec: { ...body.spec, health: { current: "self.status.?ready.orValue(false) == true", progressDeadlineSeconds: DEADLINE_S } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const sync = await adminA.post<{ runId?: string; run?: { id: string } }>("/api/v1/definitions/healthy.example.io/sync", {});
    expect(sync.status, JSON.stringify(sync.body)).toBe(202);
    // the resources exist and were assessed: Progressing (no status yet, so no rule matches)
    const progressing = await waitFor(
      "the synced resources to be Progressing",
      async () => {
        const r = await rows();
        return r.length === NAMES.length && r.every((x) => x.health === "Progressing") ? r : undefined;
      },
      30_000,
      50,
    );
    const deadline = Math.max(...progressing.map((r) => r.specChangedAt.getTime())) + DEADLINE_S * 1000;
    const earliest = Math.min(...progressing.map((r) => r.specChangedAt.getTime())) + DEADLINE_S * 1000;
    // A goes away without a word, before any deadline came
    await a.kill();
    expect(Date.now(), "replica A was killed before the deadline (the machine was too slow for this test's premise)").toBeLessThan(earliest);
    expect((await rows()).every((x) => x.health === "Progressing")).toBe(true);

    // B's sweeper: Degraded, after the deadline and not before
    const degraded = await waitFor(
      "replica B to turn them Degraded",
      async () => {
        const r = await rows();
        return r.every((x) => x.health === "Degraded") ? r : undefined;
      },
      DEADLINE_S * 1000 + 30_000,
      100,
    );
    for (const r of degraded) {
      expect(r.healthMessage).toBe("no rule matched within the deadline");
      expect(r.healthTransitionTime!.getTime()).toBeGreaterThanOrEqual(r.specChangedAt.getTime() + DEADLINE_S * 1000);
    }
    expect(Math.min(...degraded.map((r) => r.healthTransitionTime!.getTime()))).toBeGreaterThanOrEqual(earliest);
    expect(deadline).toBeGreaterThanOrEqual(earliest);

    // A comes back (same data, same database): its sweeper runs and finds nothing due
    await a.restart();
    await new Promise((r) => setTimeout(r, 3_000));
    const t = await transitions();
    for (const n of NAMES) {
      expect(
        t.filter((x) => x.name === n).map((x) => [x.from, x.to, x.message]),
        `${n}'s transitions`,
      ).toEqual([
        [null, "Progressing", expect.any(String)],
        ["Progressing", "Degraded", "no rule matched within the deadline"],
      ]);
    }
    expect((await rows()).every((x) => x.health === "Degraded")).toBe(true);
  });
});
