/**
 * Issue 15 across replicas: two server processes on one real PostgreSQL; two people approve the
 * same request at the same moment, one on each replica; exactly one run applies it (checked in
 * the SyncRun table), and it applies the reviewed commit.
 */
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, startAppServer, type AppServer } from "@/test/support/app-server";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { apiFor, definitionBody, doc, waitFor, type Api } from "./api-client";
import { testDatabaseUrl } from "./pg-url";

async function userToken(server: AppServer, username: string, password: string): Promise<string> {
  const r = await fetch(`${server.url}/api/v1/tokens`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`, "content-type": "application/json" },
    body: JSON.stringify({ name: `t-${username}`, role: "operator" }),
  });
  if (r.status !== 201) throw new Error(`token for ${username}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}

describe("approvals on two replicas on one PostgreSQL", () => {
  let fx: GitFixture;
  let a: AppServer;
  let b: AppServer;
  let admin: Api;
  let db: pg.Client;
  let dbName = "";
  const base = testDatabaseUrl();
  const as: Record<string, { a: Api; b: Api }> = {};

  beforeAll(async () => {
    dbName = `syncline_approvals_${crypto.randomBytes(4).toString("hex")}`;
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
    admin = apiFor(a, await issueToken(a, "admin"));
    for (const name of ["olivia", "oscar", "otto"]) {
      expect((await admin.post("/api/v1/users", { username: name, password: `${name}-password-1`, role: "operator" })).status).toBe(201);
      const t = await userToken(a, name, `${name}-password-1`);
      as[name] = { a: apiFor(a, t), b: apiFor(b, t) };
    }
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

  it("concurrent approvals on both replicas start exactly one run, applying the reviewed commit", async () => {
    const repo = fx.repo("gated");
    const body = definitionBody("gated.example.io", "Gated", repo.url, { production: true });
    commitFiles(repo.dir, { "x.json": doc("Gated", "x", 1) }, "one");
    expect((await admin.post("/api/v1/definitions", { ...body, spec: { ...body.spec, approval: { required: 2 } } })).status).toBe(201);
    for (let round = 0; round < 4; round++) {
      const commit = commitFiles(repo.dir, { "x.json": doc("Gated", "x", round + 2) }, `round ${round}`);
      const requested = await as.olivia!.a.post<{ approvalRequest: { id: string; state: string; commit: string } }>(
        "/api/v1/definitions/gated.example.io/sync",
        {},
      );
      expect(requested.status, JSON.stringify(requested.body)).toBe(202);
      expect(requested.body.approvalRequest).toMatchObject({ state: "Pending", commit });
      const id = requested.body.approvalRequest.id;
      const votes = await Promise.all([
        as.oscar!.a.post(`/api/v1/approval-requests/${id}/approve`, {}),
        as.otto!.b.post(`/api/v1/approval-requests/${id}/approve`, {}),
      ]);
      expect(votes.map((v) => v.status).sort(), JSON.stringify(votes.map((v) => v.body))).toEqual([200, 200]);
      const runs = await db.query<{ id: string; phase: string; resolvedCommit: string | null }>(
        `SELECT id, phase, "resolvedCommit" FROM "SyncRun" WHERE "approvalRequestId" = $1`,
        [id],
      );
      expect(runs.rows).toHaveLength(1);
      const done = await waitFor(
        "the run to end",
        async () => {
          const r = await db.query<{ phase: string; resolvedCommit: string | null }>(`SELECT phase, "resolvedCommit" FROM "SyncRun" WHERE id = $1`, [
            runs.rows[0]!.id,
          ]);
          return r.rows[0]?.phase === "Running" ? undefined : r.rows[0];
        },
        30_000,
        100,
      );
      expect(done).toEqual({ phase: "Succeeded", resolvedCommit: commit });
      const state = await as.olivia!.a.get<{ state: string; approvals: { by: string }[] }>(`/api/v1/approval-requests/${id}`);
      expect(state.body.state).toBe("Applied");
      expect(state.body.approvals.map((x) => x.by).sort()).toEqual(["oscar", "otto"]);
    }
  });
});
