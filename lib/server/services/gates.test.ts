/**
 * Production gates (issue 15) end to end on the services: a real Git server on 127.0.0.1 and a
 * real store. Sync windows (manual 409 with the next opening, nothing held; automated syncs wait
 * while the refresh still records drift; global windows) and approvals (202 request with the plan,
 * who may approve, required count, stale plans, expiry, supersede, concurrent approvals), on the
 * embedded store and on PostgreSQL (where concurrent approvals race on separate connections).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { definitionBody } from "@/test/support/definition-body";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { createUser } from "@/lib/server/services/users";
import { addDefinition, getDefinitionView, replaceDefinition } from "@/lib/server/services/definitions";
import { requestSync, startResourceSync, startSync } from "@/lib/server/services/sync";
import { replaceResource, getResourceView } from "@/lib/server/services/resources";
import { getRunWithChanges, listRuns } from "@/lib/server/services/runs";
import { writeStatus } from "@/lib/server/services/resource-health";
import { addSyncWindow, removeSyncWindow } from "@/lib/server/services/sync-gate";
import { approveRequest, getApproval, listApprovals, rejectRequest } from "@/lib/server/services/approvals";
import { listAuditEvents } from "@/lib/server/services/audit-log";
import { findDefinition } from "@/lib/server/data/definitions";
import { findActiveRun, findRun } from "@/lib/server/data/runs";
import { getDb } from "@/lib/server/db";
import { subscribe, type RuntimeEvents } from "@/lib/server/runtime/events";
import { reconcile } from "@/lib/server/scheduler/reconcile";
import { schedulerConfig } from "@/lib/server/scheduler/config";
import type { Principal } from "@/lib/server/auth/principal";
import { AppError } from "@/lib/server/errors";
import type { ApprovalRequestView } from "@/lib/api/contract";
import { testDatabaseUrl } from "@/test/automation/pg-url";

const deployment = (name: string, replicas: number, image = "app:1") =>
  JSON.stringify({ kind: "Deployment", metadata: { name, namespace: "prod" }, spec: { image, replicas } }, null, 2);

/** A deny window that opened a minute ago (UTC) and lasts `hours`. */
function denyNow(hours: number, extra: Record<string, unknown> = {}) {
  const start = new Date(Date.now() - 60_000);
  start.setUTCSeconds(0, 0);
  return {
    window: { kind: "deny", schedule: `${start.getUTCMinutes()} ${start.getUTCHours()} * * *`, duration: `${hours}h`, ...extra },
    opens: new Date(start.getTime() + hours * 3600_000).toISOString(),
  };
}

const executor: Principal = { via: "token", userId: "u-exec", username: "handler", role: "executor", tokenId: "t-exec" };

async function until(what: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function caught(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected an AppError");
}

describe.each([
  { store: "embedded store", postgres: false },
  { store: "PostgreSQL", postgres: true },
])("production gates on $store", (opts) => {
  {
    let store: TestStore;
    let fx: GitFixture;
    let repo: { dir: string; url: string };
    const users: Record<string, Principal> = {};
    const commits: string[] = [];
    const WIN = "windows.example.io";
    const APP = "approvals.example.io";
    const events: RuntimeEvents["approval"][] = [];

    beforeAll(async () => {
      if (opts.postgres) testDatabaseUrl();
      store = await openTestStore({ postgres: opts.postgres });
      fx = await startGitFixture();
      repo = fx.repo("deploy");
      commits.push(commitFiles(repo.dir, { "resources/a.json": deployment("a", 1), "resources/b.json": deployment("b", 1) }, "initial"));
      for (const [name, role] of [
        ["admin", "admin"],
        ["olivia", "operator"],
        ["oscar", "operator"],
        ["otto", "operator"],
        ["vera", "viewer"],
      ] as const) {
        const u = await createUser({ username: name, password: "correct horse battery", role });
        users[name] = { via: "session", userId: u.id, username: name, role };
      }
      await addDefinition(definitionBody({ name: WIN, kind: "Deployment", repoURL: repo.url, syncPolicy: { automated: true } }), users.admin!);
      subscribe("approval", (e) => void events.push(e));
    });

    afterAll(async () => {
      await fx?.close();
      await store?.close();
    });

    const withSpec = async (name: string, extra: Record<string, unknown>, o: { kind?: string; automated?: boolean } = {}) => {
      const body = definitionBody({ name, kind: o.kind ?? "Deployment", repoURL: repo.url, syncPolicy: { automated: o.automated ?? false } });
      return replaceDefinition(name, { ...body, spec: { ...body.spec, ...extra } }, users.admin!);
    };

    describe("sync windows", () => {
      it("a manual sync outside a window is refused with 409 SYNC_WINDOW_CLOSED, the reason and the next opening, and holds nothing", async () => {
        const d = denyNow(2, { reason: "release freeze" });
        await withSpec(WIN, { syncWindows: [d.window] }, { automated: true });
        const view = await getDefinitionView(WIN);
        expect(view.gate).toEqual({ open: false, reason: expect.stringContaining("release freeze"), until: d.opens });
        const err = await caught(startSync({ definition: WIN, trigger: "manual", who: users.olivia! }));
        expect(err.code).toBe("SYNC_WINDOW_CLOSED");
        expect(err.status).toBe(409);
        expect(err.details).toEqual({ reason: expect.stringContaining("release freeze"), nextOpening: d.opens });
        const row = (await findDefinition(WIN))!;
        expect(await findActiveRun(row.id)).toBeNull();
        expect((await listRuns(WIN)).items).toHaveLength(0);
        // one resource (issue 21's "Sync this resource" / "Revert drift") meets the same gate
        const one = await caught(startResourceSync({ definition: WIN, namespace: "prod", name: "a", mode: "sync", trigger: "manual", who: users.olivia! }));
        expect(one.code).toBe("SYNC_WINDOW_CLOSED");
        expect((await listRuns(WIN)).items).toHaveLength(0);
        // a dry run is not a sync: it still runs (and proves nothing was locked)
        const dry = await startSync({ definition: WIN, trigger: "manual", who: users.olivia!, dryRun: true });
        expect((await dry.done).phase).toBe("Succeeded");
        const audit = await listAuditEvents({ action: "sync.start", result: "denied" });
        expect(audit.items.some((e) => e.target === WIN)).toBe(true);
      });

      it("manualSync lets a person through the deny window, never automation", async () => {
        const d = denyNow(2, { manualSync: true });
        await withSpec(WIN, { syncWindows: [d.window] }, { automated: true });
        expect((await getDefinitionView(WIN)).gate?.open).toBe(true);
        const row = (await findDefinition(WIN))!;
        const r = await reconcile(row, "interval", schedulerConfig());
        expect(r.sync).toMatchObject({ skipped: expect.stringMatching(/sync window closed/), windowOpensAt: d.opens });
        const { done } = await startSync({ definition: WIN, trigger: "manual", who: users.olivia! });
        expect((await done).phase).toBe("Succeeded");
      });

      it("outside a window automated syncs wait while the refresh records drift; when the window opens they sync", async () => {
        const d = denyNow(2);
        await withSpec(WIN, { syncWindows: [d.window] }, { automated: true });
        commits.push(commitFiles(repo.dir, { "resources/a.json": deployment("a", 3) }, "three replicas"));
        const waited = await reconcile((await findDefinition(WIN))!, "interval", schedulerConfig());
        expect(waited.sync).toMatchObject({ windowOpensAt: d.opens });
        expect(waited.refresh?.head).toBe(commits.at(-1));
        const row = (await findDefinition(WIN))!;
        expect(row.headCommit).toBe(commits.at(-1));
        expect(row.syncedCommit).not.toBe(commits.at(-1));
        expect(await findActiveRun(row.id)).toBeNull();
        // the window opens (here: it is removed) → the next reconcile syncs the waiting commit
        await withSpec(WIN, {}, { automated: true });
        const synced = await reconcile((await findDefinition(WIN))!, "window", schedulerConfig());
        expect(synced.sync).toMatchObject({ phase: "Succeeded" });
        expect((await findDefinition(WIN))!.syncedCommit).toBe(commits.at(-1));
      });

      it("a global window applies to definitions matched by glob and production; bad input names the field", async () => {
        const bad = await caught(addSyncWindow({ kind: "deny", schedule: "0 0 * * *", duration: "0m" }, users.admin!));
        expect(bad.code).toBe("VALIDATION_FAILED");
        expect(bad.details).toEqual([{ path: "duration", message: expect.stringMatching(/positive/) }]);
        const d = denyNow(1);
        const w = await addSyncWindow({ ...d.window, reason: "global freeze", match: { definitions: ["windows.*"], production: true } }, users.admin!);
        expect((await getDefinitionView(WIN)).gate?.open).toBe(true); // not production
        await replaceDefinition(WIN, { ...definitionBody({ name: WIN, kind: "Deployment", repoURL: repo.url, production: true }) }, users.admin!);
        const gate = (await getDefinitionView(WIN)).gate;
        expect(gate).toEqual({ open: false, reason: expect.stringContaining("global freeze"), until: d.opens });
        expect((await caught(startSync({ definition: WIN, trigger: "api", who: users.admin! }))).code).toBe("SYNC_WINDOW_CLOSED");
        await removeSyncWindow(w.id, users.admin!);
        expect((await getDefinitionView(WIN)).gate?.open).toBe(true);
      });
    });

    describe("approvals", () => {
      const request = async (who: Principal): Promise<ApprovalRequestView> => {
        const r = await requestSync({ definition: APP, trigger: "api", who });
        if (r.kind !== "approval") throw new Error("expected an approval request");
        return r.approvalRequest;
      };

      beforeAll(async () => {
        await addDefinition(
          {
            ...definitionBody({ name: APP, kind: "Service", repoURL: repo.url }),
            spec: { ...definitionBody({ name: APP, kind: "Service", repoURL: repo.url }).spec, approval: { required: 2 } },
          },
          users.admin!,
        );
        commitFiles(
          repo.dir,
          { "resources/svc.json": JSON.stringify({ kind: "Service", metadata: { name: "web", namespace: "prod" }, spec: { port: 80 } }) },
          "a service",
        );
        commits.push(
          commitFiles(
            repo.dir,
            { "resources/svc2.json": JSON.stringify({ kind: "Service", metadata: { name: "api", namespace: "prod" }, spec: { port: 81 } }) },
            "another service",
          ),
        );
      });

      it("a sync creates a Pending request with the plan and its hash; nothing runs; a direct startSync is refused", async () => {
        const req = await request(users.olivia!);
        expect(req).toMatchObject({ state: "Pending", definition: APP, commit: commits.at(-1), required: 2, approvals: [], requestedBy: "olivia" });
        expect(req.planHash).toMatch(/^[0-9a-f]{64}$/);
        expect((await getApproval(req.id)).plan?.counts.create).toBe(2);
        expect((await listRuns(APP)).items).toHaveLength(0);
        expect((await caught(startSync({ definition: APP, trigger: "api", who: users.admin! }))).code).toBe("CONFLICT");
        const one = await caught(startResourceSync({ definition: APP, namespace: "prod", name: "web", mode: "sync", trigger: "manual", who: users.admin! }));
        expect([one.code, one.details]).toEqual(["CONFLICT", { reason: "approval-required" }]);
        expect((await listRuns(APP)).items).toHaveLength(0);
        expect(events.filter((e) => e.requestId === req.id).map((e) => e.event)).toEqual(["approval.requested"]);
        expect((await getDefinitionView(APP)).openApproval).toEqual({ id: req.id, state: "Pending", approvals: 0, required: 2 });
      });

      it("requester, viewer and a second vote are refused with APPROVAL_NOT_ALLOWED; two approvals apply the reviewed commit", async () => {
        const req = await request(users.olivia!);
        const own = await caught(approveRequest(req.id, users.olivia!));
        expect(own.code).toBe("APPROVAL_NOT_ALLOWED");
        expect(own.status).toBe(403);
        expect(own.message).toMatch(/you requested this sync/);
        const viewer = await caught(approveRequest(req.id, users.vera!));
        expect(viewer.status).toBe(403);
        const one = await approveRequest(req.id, users.oscar!, "looks right");
        expect(one.state).toBe("Pending");
        expect(one.approvals.map((a) => a.by)).toEqual(["oscar"]);
        const twice = await caught(approveRequest(req.id, users.oscar!));
        expect(twice.code).toBe("APPROVAL_NOT_ALLOWED");
        expect(twice.message).toMatch(/one person counts once/);
        const done = await approveRequest(req.id, users.otto!, "ship it");
        expect(done.state).toBe("Applied");
        expect(done.runId).toBeTruthy();
        const { waitForRun } = await import("@/lib/server/services/sync");
        const run = await waitForRun(done.runId!);
        expect(run).toMatchObject({ phase: "Succeeded", resolvedCommit: req.commit, approvalRequestId: req.id, initiator: "olivia" });
        expect((await getResourceView({ kind: "Service", namespace: "prod", name: "api" })).spec).toEqual({ port: 81 });
        const actions = (await listAuditEvents({ action: "approval." })).items
          .filter((e) => (e.details as { requestId?: string })?.requestId === req.id)
          .map((e) => e.action);
        expect(actions).toEqual(expect.arrayContaining(["approval.request", "approval.approve", "approval.apply"]));
        expect(events.filter((e) => e.requestId === req.id).map((e) => e.event)).toEqual(["approval.requested", "approval.approved", "approval.approved"]);
      });

      it.each([
        [
          "a new commit",
          async () =>
            void commits.push(
              commitFiles(
                repo.dir,
                { "resources/svc.json": JSON.stringify({ kind: "Service", metadata: { name: "web", namespace: "prod" }, spec: { port: 8080 } }) },
                "port",
              ),
            ),
          /commit .* → /,
        ],
        [
          "the store edited",
          async () => {
            await replaceResource(
              { kind: "Service", namespace: "prod", name: "api" },
              { metadata: { name: "api", namespace: "prod" }, spec: { port: 9999 } },
              users.admin!,
            );
          },
          /resource Service\/prod\/api/,
        ],
        [
          "the definition edited",
          async () => {
            const body = definitionBody({ name: APP, kind: "Service", repoURL: repo.url });
            await replaceDefinition(APP, { ...body, spec: { ...body.spec, approval: { required: 2 }, secretPaths: ["/password"] } }, users.admin!);
          },
          /definition edited \(generation/,
        ],
      ])("%s after the review → PLAN_STALE naming it, nothing applied", async (_what, change, named) => {
        const req = await request(users.olivia!);
        await approveRequest(req.id, users.oscar!);
        await change();
        const runsBefore = (await listRuns(APP)).items.length;
        const err = await caught(approveRequest(req.id, users.otto!));
        expect(err.code).toBe("PLAN_STALE");
        expect(err.status).toBe(409);
        expect((err.details as { changed: string[] }).changed.join("; ")).toMatch(named);
        const after = await getApproval(req.id);
        expect(after.state).toBe("Stale");
        expect(after.reason).toMatch(named);
        expect((await listRuns(APP)).items.length).toBe(runsBefore);
      });

      it("rejection, expiry and supersede", async () => {
        const a = await request(users.olivia!);
        const rejected = await rejectRequest(a.id, users.oscar!, "not today");
        expect(rejected).toMatchObject({ state: "Rejected", reason: "rejected by oscar: not today" });
        expect((await caught(approveRequest(a.id, users.otto!))).code).toBe("CONFLICT");

        const b = await request(users.olivia!);
        const c = await request(users.oscar!);
        expect((await getApproval(b.id)).state).toBe("Superseded");
        await (await getDb()).approvalRequest.update({ where: { id: c.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
        expect((await getApproval(c.id)).state).toBe("Expired");
        expect((await listApprovals({ definition: APP, state: "Pending" })).map((r) => r.id)).not.toContain(c.id);
        expect(events.some((e) => e.event === "approval.rejected" && e.requestId === a.id)).toBe(true);
      });

      it("approved while the window is closed: stays approved, waiting for the window, and applies when it opens", async () => {
        const body = definitionBody({ name: APP, kind: "Service", repoURL: repo.url });
        await replaceDefinition(APP, { ...body, spec: { ...body.spec, approval: { required: 1 } } }, users.admin!);
        const req = await request(users.olivia!);
        const d = denyNow(2);
        const w = await addSyncWindow({ ...d.window, match: { definitions: [APP] } }, users.admin!);
        const approved = await approveRequest(req.id, users.oscar!);
        expect(approved.state).toBe("Approved");
        expect(approved.reason).toMatch(/approved, waiting for window/);
        await removeSyncWindow(w.id, users.admin!);
        const { applyWaitingApprovals } = await import("@/lib/server/services/approvals");
        await applyWaitingApprovals();
        const applied = await getApproval(req.id);
        expect(applied.state).toBe("Applied");
        expect((await findRun(applied.runId!))?.approvalRequestId).toBe(req.id);
        const { waitForRun } = await import("@/lib/server/services/sync");
        expect((await waitForRun(applied.runId!)).phase).toBe("Succeeded");
      });

      it("a request left Applying by a replica that stopped is settled: back to Approved and applied, or Applied with the run it had started", async () => {
        const body = definitionBody({ name: APP, kind: "Service", repoURL: repo.url });
        await replaceDefinition(APP, { ...body, spec: { ...body.spec, approval: { required: 1 } } }, users.admin!);
        commits.push(
          commitFiles(
            repo.dir,
            { "resources/svc.json": JSON.stringify({ kind: "Service", metadata: { name: "web", namespace: "prod" }, spec: { port: 8443 } }) },
            "recover",
          ),
        );
        const db = await getDb();
        // the replica that claimed it died before starting the run: its apply lease is expired
        const stranded = async () => {
          const req = await request(users.olivia!);
          await db.approvalRequest.update({ where: { id: req.id }, data: { state: "Applying" } });
          await db.$executeRawUnsafe(
            `INSERT INTO "Lease" ("key", "owner", "expiresAt") VALUES ($1, 'dead-replica', (now() AT TIME ZONE 'UTC') - interval '1 minute')`,
            `approval-apply:${req.id}`,
          );
          return req;
        };
        const { applyWaitingApprovals } = await import("@/lib/server/services/approvals");
        const { waitForRun } = await import("@/lib/server/services/sync");
        const a = await stranded();
        await applyWaitingApprovals();
        const applied = await getApproval(a.id);
        expect(applied.state).toBe("Applied");
        expect((await listRuns(APP)).items.filter((r) => r.approvalRequestId === a.id).map((r) => r.id)).toEqual([applied.runId]);
        expect((await waitForRun(applied.runId!)).phase).toBe("Succeeded");
        expect((await listAuditEvents({ action: "approval.recover" })).items.some((e) => JSON.stringify(e).includes(a.id))).toBe(true);

        // a live applier (its lease not expired) is left alone
        const b = await request(users.olivia!);
        await db.approvalRequest.update({ where: { id: b.id }, data: { state: "Applying" } });
        await db.$executeRawUnsafe(
          `INSERT INTO "Lease" ("key", "owner", "expiresAt") VALUES ($1, 'live-replica', (now() AT TIME ZONE 'UTC') + interval '1 minute')`,
          `approval-apply:${b.id}`,
        );
        await applyWaitingApprovals();
        expect((await getApproval(b.id)).state).toBe("Applying");
        // once that applier is gone, the run it had started makes the request Applied (no second run)
        const started = await startSync({ definition: APP, trigger: "api", who: "system", revision: b.commit, approvalRequestId: b.id, initiator: "olivia" });
        await waitForRun(started.run.id);
        await db.$executeRawUnsafe(
          `UPDATE "Lease" SET "expiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 minute' WHERE "key" = $1`,
          `approval-apply:${b.id}`,
        );
        await applyWaitingApprovals();
        const settled = await getApproval(b.id);
        expect(settled).toMatchObject({ state: "Applied", runId: started.run.id });
        expect((await listRuns(APP)).items.filter((r) => r.approvalRequestId === b.id).length).toBe(1);
      });

      it("concurrent approvals by two people at once start exactly one run", async () => {
        const body = definitionBody({ name: APP, kind: "Service", repoURL: repo.url });
        await replaceDefinition(APP, { ...body, spec: { ...body.spec, approval: { required: 1 } } }, users.admin!);
        commits.push(
          commitFiles(
            repo.dir,
            { "resources/svc.json": JSON.stringify({ kind: "Service", metadata: { name: "web", namespace: "prod" }, spec: { port: 443 } }) },
            "tls",
          ),
        );
        for (let round = 0; round < 3; round++) {
          if (round > 0)
            commits.push(
              commitFiles(
                repo.dir,
                { "resources/svc.json": JSON.stringify({ kind: "Service", metadata: { name: "web", namespace: "prod" }, spec: { port: 444 + round } }) },
                `r${round}`,
              ),
            );
          const req = await request(users.olivia!);
          const results = await Promise.allSettled([
            approveRequest(req.id, users.oscar!),
            approveRequest(req.id, users.otto!),
            approveRequest(req.id, users.admin!),
          ]);
          const runs = (await listRuns(APP)).items.filter((r) => r.approvalRequestId === req.id);
          const why = {
            state: (await getApproval(req.id)).state,
            reason: (await getApproval(req.id)).reason,
            results: results.map((r) => (r.status === "rejected" ? String(r.reason) : r.value.state)),
          };
          expect({ runs: runs.length, ...why }).toMatchObject({ runs: 1 });
          expect(results.some((r) => r.status === "fulfilled")).toBe(true);
          const { waitForRun } = await import("@/lib/server/services/sync");
          expect((await waitForRun(runs[0]!.id)).phase).toBe("Succeeded");
        }
      });

      it("waitForHealthy survives the approval: the approved run waits for health and records the outcome (issue 14)", async () => {
        // a definition without health rules is refused before any request exists, as a direct sync is
        const none = await caught(requestSync({ definition: APP, trigger: "api", who: users.olivia!, waitForHealthy: true }));
        expect([none.status, none.message]).toEqual([400, expect.stringMatching(/no spec\.health rules/)]);

        const HW = "workers.example.io";
        const worker = { kind: "Worker", metadata: { name: "w", namespace: "prod" }, spec: { replicas: 2 } };
        commits.push(commitFiles(repo.dir, { "workers/w.json": JSON.stringify(worker) }, "a worker"));
        const body = definitionBody({ name: HW, kind: "Worker", repoURL: repo.url, path: "/workers" });
        const health = { current: "self.status.?readyReplicas.orValue(0) == self.spec.replicas" };
        await addDefinition({ ...body, spec: { ...body.spec, approval: { required: 1 }, health } }, users.admin!);
        const requested = await requestSync({ definition: HW, trigger: "api", who: users.olivia!, waitForHealthy: true, healthTimeoutSeconds: 60 });
        if (requested.kind !== "approval") throw new Error("expected an approval request");
        const applied = await approveRequest(requested.approvalRequest.id, users.oscar!);
        expect(applied.state).toBe("Applied");
        const runId = applied.runId!;
        // applied, but the run stays open until the worker is Healthy
        await until(async () => ((await findRun(runId))!.log as string[]).some((l) => l.includes("waiting for health")));
        const open = (await findRun(runId))!;
        expect([open.phase, open.approvalRequestId]).toEqual(["Running", requested.approvalRequest.id]);
        expect(open.activeKey).not.toBeNull();
        await writeStatus({ kind: "Worker", namespace: "prod", name: "w" }, { status: { readyReplicas: 2 } }, "replace", executor);
        const { waitForRun } = await import("@/lib/server/services/sync");
        const final = await waitForRun(runId);
        expect(final.phase).toBe("Succeeded");
        expect((await getRunWithChanges(runId)).health).toMatchObject({ outcome: "Healthy", resources: [] });
      });
    });
  }
});
