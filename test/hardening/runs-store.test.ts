/**
 * Hardening — runs and the store: all-or-nothing applies under a database error and under
 * SIGKILL of the real server, one run per definition under 50 concurrent requests, rollbacks
 * that must be refused, and secret-marked fields masked everywhere a run or the API shows them.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles, makeTempDir } from "@/test/support/git-repo";
import { definitionBody } from "@/test/support/definition-body";
import { startGitHttpServer, type GitHttpServer } from "@/test/support/git-http-server";
import { changeBenchFiles, generateBenchRepo } from "@/test/support/bench-repo";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { issueToken, signInCookie, startAppServer, type AppServer } from "@/test/support/app-server";
import { listResources, getResourceView, replaceResource } from "@/lib/server/services/resources";
import { getRunWithChanges } from "@/lib/server/services/runs";
import { computeDiff, startRollback } from "@/lib/server/services/sync";
import { replaceDefinition, getDefinitionView } from "@/lib/server/services/definitions";
import { findDefinition } from "@/lib/server/data/definitions";
import { getDb } from "@/lib/server/db";
import { logger } from "@/lib/server/logger";
import { AppError } from "@/lib/server/errors";
import type { Principal } from "@/lib/server/auth/principal";
import { defineWidgets, logOf, makeAdmin, syncNow, widget } from "./support";

describe("hardening: runs and the store (in process)", () => {
  let store: TestStore;
  let fx: GitFixture;
  let admin: Principal;

  beforeAll(async () => {
    store = await openTestStore();
    fx = await startGitFixture();
    admin = await makeAdmin();
  });
  afterAll(async () => {
    await fx?.close();
    await store?.close();
  });

  it("a database error in the middle of applying (a CHECK constraint on the 2,101st insert) rolls the whole run back; the run is Failed with the cause; no duplicate rows", async () => {
    const repo = fx.repo("dberror");
    const first: Record<string, string> = {};
    for (let i = 0; i < 100; i++)
      first[`resources/r${String(i).padStart(4, "0")}.json`] = widget("p", `r${String(i).padStart(4, "0")}`, { replicas: 1 }, "Dbe");
    commitFiles(repo.dir, first, "100");
    await defineWidgets({ name: "dbe.example.io", kind: "Dbe", repoURL: repo.url }, admin);
    expect((await syncNow("dbe.example.io", admin)).phase).toBe("Succeeded");
    const db = await getDb();
    const before = await db.resource.findMany({
      where: { kind: "Dbe" },
      orderBy: { name: "asc" },
      select: { name: true, spec: true, lastCommitSHA: true, generation: true },
    });
    const syncedBefore = (await findDefinition("dbe.example.io"))?.syncedCommit;

    const second: Record<string, string> = {};
    for (let i = 0; i < 2100; i++)
      second[`resources/r${String(i).padStart(4, "0")}.json`] = widget("p", `r${String(i).padStart(4, "0")}`, { replicas: 2 }, "Dbe");
    second["resources/zz-boom.json"] = widget("p", "zz-boom", { replicas: 2 }, "Dbe");
    commitFiles(repo.dir, second, "2,101 resources, the last one rejected by the database");
    await db.$executeRawUnsafe(`ALTER TABLE "Resource" ADD CONSTRAINT hardening_no_boom CHECK (name <> 'zz-boom')`);
    try {
      const run = await syncNow("dbe.example.io", admin);
      expect(run.phase).toBe("Failed");
      expect(run.error).toMatch(
        /^database error, the run.s writes were rolled back: new row for relation "Resource" violates check constraint "hardening_no_boom" \(SQLSTATE 23514\)$/,
      );
      expect(run.activeKey).toBeNull();
      expect(
        await db.resource.findMany({
          where: { kind: "Dbe" },
          orderBy: { name: "asc" },
          select: { name: true, spec: true, lastCommitSHA: true, generation: true },
        }),
      ).toEqual(before);
      expect((await findDefinition("dbe.example.io"))?.syncedCommit).toBe(syncedBefore);
      expect(await db.syncRunChange.count({ where: { runId: run.id } })).toBe(0);
    } finally {
      await db.$executeRawUnsafe(`ALTER TABLE "Resource" DROP CONSTRAINT hardening_no_boom`);
    }
    const retry = await syncNow("dbe.example.io", admin);
    expect(retry.phase).toBe("Succeeded");
    expect(await db.resource.count({ where: { kind: "Dbe" } })).toBe(2101);
    const keys = await db.resource.groupBy({ by: ["namespace", "name"], where: { kind: "Dbe" }, _count: true });
    expect(keys.filter((k) => k._count !== 1)).toEqual([]);
    const changes = await db.syncRunChange.groupBy({ by: ["namespace", "name"], where: { runId: retry.id }, _count: true });
    expect(changes).toHaveLength(2101);
    expect(changes.filter((c) => c._count !== 1)).toEqual([]);
  });

  describe("rollback that must be refused", () => {
    const NAME = "rb.example.io";
    let repo: { dir: string; url: string };
    let oldCommit: string;

    beforeAll(async () => {
      repo = fx.repo("rollback");
      oldCommit = commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 1 }, "Rb") }, "old: no image");
      await defineWidgets({ name: NAME, kind: "Rb", repoURL: repo.url }, admin);
      expect((await syncNow(NAME, admin)).phase).toBe("Succeeded");
      commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 2, image: "app:2" }, "Rb") }, "new: with image");
      expect((await syncNow(NAME, admin)).phase).toBe("Succeeded");
    });

    const state = async () => ({
      resources: (await listResources({ kind: "Rb" })).items.map((r) => [r.metadata.name, r.spec, r.metadata.generation, r.status.gitSync.lastCommitSHA]),
      pin: (await findDefinition(NAME))?.pinnedRevision,
      synced: (await findDefinition(NAME))?.syncedCommit,
    });

    it("to a commit that does not exist: the run fails with 'revision … not found'; nothing changed, no pin", async () => {
      const before = await state();
      const ghost = "f".repeat(40);
      const run = await (await startRollback(NAME, { commit: ghost }, admin)).done;
      expect(run.phase).toBe("Failed");
      expect(run.trigger).toBe("rollback");
      expect(run.error).toMatch(new RegExp(`revision ${ghost} not found`));
      expect(await state()).toEqual(before);
    });

    it("to a commit whose files no longer validate (the schema changed since): refused with the reason; nothing changed, no pin", async () => {
      const view = await getDefinitionView(NAME);
      const { status: _status, ...def } = view;
      def.spec.schema = { type: "object", required: ["replicas", "image"], properties: { replicas: { type: "integer" }, image: { type: "string" } } };
      def.spec.gitops = { ...def.spec.gitops!, repoURL: repo.url };
      await replaceDefinition(NAME, def, admin);
      expect((await syncNow(NAME, admin)).phase).toBe("Succeeded");
      const before = await state();
      const run = await (await startRollback(NAME, { commit: oldCommit }, admin)).done;
      expect(run.phase).toBe("Failed");
      expect(run.error).toMatch(new RegExp(`rollback refused: commit ${oldCommit.slice(0, 7)} no longer validates \\(1 invalid resources`));
      expect(await state()).toEqual(before);
      const full = await getRunWithChanges(run.id);
      expect(full.changes.find((c) => c.name === "a")?.error).toMatch(/spec\/image is required/);
    });

    it("to a dry-run or a run that failed: refused up front (400) without starting a run", async () => {
      const dry = await syncNow(NAME, admin, { dryRun: true });
      const runsBefore = await (await getDb()).syncRun.count();
      const err = await startRollback(NAME, { runId: dry.id }, admin).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(err?.status).toBe(400);
      expect(err?.message).toMatch(/did not apply a commit/);
      expect(await (await getDb()).syncRun.count()).toBe(runsBefore);
    });
  });

  describe("secret-marked fields", () => {
    const NAME = "sec.example.io";
    const ALPHA = "S3CRET-ALPHA-value-7731";
    const BETA = "S3CRET-BETA-value-1194";
    const GAMMA = "S3CRET-GAMMA-value-5520";
    const DELTA = "S3CRET-DELTA-value-0042";
    let repo: { dir: string; url: string };
    const lines: string[] = [];

    beforeAll(async () => {
      for (const lvl of ["error", "warn", "info", "debug"] as const) {
        vi.spyOn(logger, lvl).mockImplementation(((...args: unknown[]) => void lines.push(JSON.stringify(args))) as never);
      }
      repo = fx.repo("secrets");
      commitFiles(
        repo.dir,
        {
          "resources/a.json": widget("p", "a", { replicas: 1, password: ALPHA, env: [{ name: "X", value: BETA }] }, "Sec"),
          "resources/b.json": widget("p", "b", { replicas: 1, password: ALPHA, env: [] }, "Sec"),
          "resources/bad.json": widget("p", "bad", { replicas: "not-a-number", password: GAMMA, env: [{ name: "Y", value: GAMMA }] }, "Sec"),
        },
        "with secrets",
      );
      await defineWidgets(
        {
          name: NAME,
          kind: "Sec",
          repoURL: repo.url,
          secretPaths: ["/password", "/env/*/value"],
          schema: { type: "object", properties: { replicas: { type: "integer" }, password: { type: "string" }, env: { type: "array" } } },
        },
        admin,
      );
    });
    afterAll(() => vi.restoreAllMocks());

    const runsText = async () => {
      const db = await getDb();
      return JSON.stringify({ runs: await db.syncRun.findMany(), changes: await db.syncRunChange.findMany(), audit: await db.auditEvent.findMany() });
    };

    it("are masked in diffs (also for invalid and unchanged resources), run records, API answers and logs; the same place and value mask the same way, other resources differently", async () => {
      const diff = await computeDiff(NAME);
      const run = await syncNow(NAME, admin);
      expect(run.phase).toBe("Succeeded");
      const full = await getRunWithChanges(run.id);
      const after = await computeDiff(NAME); // a and b unchanged now, bad still invalid
      expect(after.counts.unchanged).toBe(2);
      const views = await listResources({ kind: "Sec" });
      const one = await getResourceView({ kind: "Sec", namespace: "p", name: "a" });
      const shown = JSON.stringify({ diff, full, after, views, one, log: logOf(run) });
      for (const s of [ALPHA, BETA, GAMMA]) {
        expect(shown).not.toContain(s);
        expect(await runsText()).not.toContain(s);
        expect(lines.join("\n")).not.toContain(s);
      }
      const maskOf = (v: unknown) => (v as { password: string }).password;
      expect(maskOf(one.spec)).toMatch(/^<secret:[0-9a-f]{8}>$/);
      // issue 19 L4: masks are salted per resource and path, so b's equal value masks differently
      // (no guessing oracle); the same resource, path and value masks the same on every read
      expect(maskOf(views.items.find((r) => r.metadata.name === "b")!.spec)).not.toBe(maskOf(one.spec));
      expect(maskOf(views.items.find((r) => r.metadata.name === "a")!.spec)).toBe(maskOf(one.spec));
      expect((one.spec as { env: Array<{ name: string; value: string }> }).env[0]).toEqual({
        name: "X",
        value: expect.stringMatching(/^<secret:[0-9a-f]{8}>$/),
      });
      expect(full.changes.find((c) => c.name === "a")?.desiredYaml).toContain(maskOf(one.spec));
      // the secrets are stored as they are in Git; only what is shown is masked
      const row = await (await getDb()).resource.findFirst({ where: { kind: "Sec", name: "a" } });
      expect((row?.spec as { password: string }).password).toBe(ALPHA);
    });

    it("a changed secret still shows as a change, old and new masks differing, neither value shown", async () => {
      const oldMask = ((await getResourceView({ kind: "Sec", namespace: "p", name: "a" })).spec as { password: string }).password;
      commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 1, password: DELTA, env: [{ name: "X", value: BETA }] }, "Sec") }, "rotate");
      const diff = await computeDiff(NAME);
      const a = diff.changes.find((c) => c.name === "a")!;
      expect(a.action).toBe("update");
      expect(a.diff).toEqual([
        {
          path: "/spec/password",
          op: "modified",
          old: oldMask,
          new: expect.stringMatching(/^<secret:[0-9a-f]{8}>$/),
          note: expect.stringMatching(/^changed \(fingerprint [0-9a-f]{8} → [0-9a-f]{8}\)$/),
        },
      ]);
      expect((a.diff[0] as { new: string }).new).not.toBe(oldMask);
      const run = await syncNow(NAME, admin);
      const text = JSON.stringify([diff, await getRunWithChanges(run.id)]) + (await runsText());
      for (const s of [ALPHA, DELTA, BETA]) expect(text).not.toContain(s);
    });

    it("a resource read from the API and written back unchanged keeps its real secret (no drift, no mask stored)", async () => {
      const view = await getResourceView({ kind: "Sec", namespace: "p", name: "a" });
      await replaceResource({ kind: "Sec", namespace: "p", name: "a" }, { metadata: view.metadata, spec: view.spec }, admin);
      const row = await (await getDb()).resource.findFirst({ where: { kind: "Sec", name: "a" } });
      expect((row?.spec as { password: string }).password).toBe(DELTA);
      expect((row?.spec as { env: Array<{ value: string }> }).env[0]!.value).toBe(BETA);
      expect((await getResourceView({ kind: "Sec", namespace: "p", name: "a" })).status.drifted).toBe(false);
    });
  });
});

describe("hardening: runs and the store (real server process)", () => {
  let server: AppServer;
  let gitServer: GitHttpServer;
  let gitRoot: string;
  let repoDir: string;
  let admin: string;
  let operator: string;
  const FILES = 8000;
  const NAME = "widgets.example.io";
  const bench = { files: FILES, folders: 40, fileBytes: 200 };

  const api = (p: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${server.url}${p}`, {
      ...init,
      headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers ?? {}) },
    });

  const commitsOfResources = async (): Promise<{ count: number; commits: Set<string> }> => {
    const commits = new Set<string>();
    let count = 0;
    let cursor = "";
    for (let guard = 0; guard < 20; guard++) {
      const page = (await (await api(`/api/v1/resources?kind=Widget&limit=1000${cursor ? `&cursor=${cursor}` : ""}`, { token: admin })).json()) as {
        items: Array<{ status: { gitSync: { lastCommitSHA: string } } }>;
        nextCursor: string | null;
      };
      for (const r of page.items) commits.add(r.status.gitSync.lastCommitSHA);
      count += page.items.length;
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return { count, commits };
  };

  beforeAll(async () => {
    gitRoot = makeTempDir("syncline-hard-served-");
    repoDir = path.join(gitRoot, "widgets.git");
    generateBenchRepo(repoDir, bench);
    gitServer = await startGitHttpServer({ root: gitRoot });
    server = await startAppServer({ env: { SYNCLINE_SCHEDULER: "0" } });
    admin = await issueToken(server, "admin");
    operator = await issueToken(server, "operator");
    const r = await api("/api/v1/definitions", {
      method: "POST",
      token: admin,
      body: JSON.stringify(
        definitionBody({
          name: NAME,
          kind: "Widget",
          repoURL: gitServer.url("widgets.git"),
          schema: { type: "object", properties: { replicas: { type: "integer" }, note: { type: "string" } } },
        }),
      ),
    });
    expect(r.status).toBe(201);
    const first = await api(`/api/v1/definitions/${NAME}/sync?wait=true`, { method: "POST", token: operator });
    expect(((await first.json()) as { phase: string }).phase).toBe("Succeeded");
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    await gitServer?.close();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
    if (gitRoot) fs.rmSync(gitRoot, { recursive: true, force: true });
  });

  it("SIGKILL in the middle of applying an 8,000-resource run, at random points, five times: after restart the store is all-old or all-new for that run and the run is Interrupted", async () => {
    let interrupted = 0;
    const runs = (await (await api(`/api/v1/definitions/${NAME}/runs?limit=1`, { token: admin })).json()) as { items: Array<{ durationMs: number }> };
    let lastDuration = runs.items[0]!.durationMs;
    for (let round = 1; round <= 5; round++) {
      const before = await commitsOfResources();
      expect(before.count).toBe(FILES);
      expect(before.commits.size).toBe(1);
      const newCommit = changeBenchFiles(repoDir, FILES, round, bench);
      // writing 8,000 files can take longer than the server's keep-alive (5 s) on a loaded machine:
      // a GET (retried once) first, so the POST does not race the server closing an idle socket
      await api("/api/healthz").catch(() => api("/api/healthz"));
      const started = await api(`/api/v1/definitions/${NAME}/sync`, { method: "POST", token: operator });
      expect(started.status).toBe(202);
      const runId = ((await started.json()) as { id: string }).id;
      // the embedded store has one connection, so nothing can be read while the apply transaction is
      // open: aim by time instead, at random points in the later part of a run (where the apply is)
      const delay = Math.floor(lastDuration * (0.45 + Math.random() * 0.5));
      await new Promise((res) => setTimeout(res, delay));
      await server.kill();
      await server.restart();
      const run = (await (await api(`/api/v1/runs/${runId}?limit=1`, { token: admin })).json()) as {
        phase: string;
        error: string | null;
        durationMs: number | null;
      };
      if (run.durationMs) lastDuration = run.durationMs;
      const after = await commitsOfResources();
      expect(after.count).toBe(FILES);
      expect(after.commits.size, `round ${round}: resources from ${[...after.commits].join(", ")}`).toBe(1);
      const def = (await (await api(`/api/v1/definitions/${NAME}`, { token: admin })).json()) as { status: { headCommit: string | null } };
      if (run.phase === "Interrupted") {
        interrupted++;
        expect(run.error).toMatch(/the server stopped while this run was in progress; nothing from it was applied/);
        expect([...after.commits]).toEqual([...before.commits]);
      } else {
        expect(run.phase).toBe("Succeeded");
        expect([...after.commits]).toEqual([newCommit]);
        expect(def.status.headCommit).toBe(newCommit);
      }
      if (run.phase === "Interrupted") {
        const again0 = Date.now();
        // the next sync is not blocked by a leftover lock and lands the commit whole
        const again = await api(`/api/v1/definitions/${NAME}/sync?wait=true`, { method: "POST", token: operator });
        const againRun = (await again.json()) as { phase: string; durationMs: number };
        expect(againRun.phase).toBe("Succeeded");
        lastDuration = againRun.durationMs ?? Date.now() - again0;
        expect([...(await commitsOfResources()).commits]).toEqual([newCommit]);
      }
    }
    expect(interrupted).toBeGreaterThan(0);
  }, 600_000);

  it("50 parallel sync requests (API tokens and same-origin cookie sessions at once) start exactly one run; the other 49 get 409 'a sync is already running'", async () => {
    changeBenchFiles(repoDir, FILES, 50, bench);
    const cookie = await signInCookie(server);
    const runsBefore = ((await (await api(`/api/v1/definitions/${NAME}/runs?limit=500`, { token: admin })).json()) as { items: unknown[] }).items.length;
    const requests = Array.from({ length: 50 }, (_, i) =>
      i % 3 === 0
        ? fetch(`${server.url}/api/v1/definitions/${NAME}/sync`, {
            method: "POST",
            headers: { cookie, origin: server.url, "content-type": "application/json" },
            body: "{}",
          })
        : api(`/api/v1/definitions/${NAME}/sync`, { method: "POST", token: i % 2 ? operator : admin }),
    );
    const answers = await Promise.all(
      requests.map(async (p) => {
        const r = await p;
        return { status: r.status, body: (await r.json()) as { id?: string; error?: { message: string } } };
      }),
    );
    const started = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status === 409);
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const r of refused) expect(r.body.error?.message).toMatch(/a sync is already running/);
    const done = await api(`/api/v1/runs/${started[0]!.body.id}?limit=1`, { token: admin });
    expect(done.status).toBe(200);
    for (let i = 0; i < 600; i++) {
      const r = (await (await api(`/api/v1/runs/${started[0]!.body.id}?limit=1`, { token: admin })).json()) as { phase: string };
      if (r.phase !== "Running") break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const runsAfter = ((await (await api(`/api/v1/definitions/${NAME}/runs?limit=500`, { token: admin })).json()) as { items: Array<{ phase: string }> }).items;
    expect(runsAfter.length).toBe(runsBefore + 1);
    expect(runsAfter[0]!.phase).toBe("Succeeded");
  }, 180_000);

  it("GET /api/v1/resources and /api/v1/resources/{kind}/{ns}/{name} never answer a secret-marked value", async () => {
    const SECRET = "api-visible-S3CRET-4471";
    const def = (await (await api(`/api/v1/definitions/${NAME}`, { token: admin })).json()) as Record<string, unknown> & {
      spec: Record<string, unknown>;
      status?: unknown;
    };
    delete def.status;
    def.spec.secretPaths = ["/note"];
    expect((await api(`/api/v1/definitions/${NAME}`, { method: "PUT", token: admin, body: JSON.stringify(def) })).status).toBe(200);
    const put = await api(`/api/v1/resources/Widget/team-0/item-0`, {
      method: "PUT",
      token: operator,
      body: JSON.stringify({ metadata: { name: "item-0", namespace: "team-0" }, spec: { replicas: 0, note: SECRET } }),
    });
    expect(put.status).toBe(200);
    const answers = [
      await put.text(),
      await (await api(`/api/v1/resources/Widget/team-0/item-0`, { token: admin })).text(),
      await (await api(`/api/v1/resources?kind=Widget&namespace=team-0&limit=5`, { token: admin })).text(),
    ];
    for (const a of answers) {
      expect(a).not.toContain(SECRET);
      expect(a).toMatch(/"note":"<secret:[0-9a-f]{8}>"/);
    }
    expect(server.output()).not.toContain(SECRET);
  });
});
