/**
 * The server's views against a real Git server on 127.0.0.1 and a real embedded store: the
 * refresh preview is the diff's preview (one plan), the branch head needs no plan, the stored
 * side of a resource is shown through the planner's own document view with secrets masked,
 * and the summaries decide a definition's status by the engine's rule.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { definitionBody } from "@/test/support/definition-body";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { changeUserRole, createUser } from "@/lib/server/services/users";
import { addDefinition } from "@/lib/server/services/definitions";
import { computeDiff, startSync } from "@/lib/server/services/sync";
import { refreshDefinition } from "@/lib/server/services/refresh";
import { getBranchHead } from "@/lib/server/services/branch-head";
import { replaceResource } from "@/lib/server/services/resources";
import { findDefinition, rowToDefinition } from "@/lib/server/data/definitions";
import { findResource } from "@/lib/server/data/resources";
import type { Principal } from "@/lib/server/auth/principal";
import { AppError } from "@/lib/server/errors";
import { planPreviewOf, toPlanPreview } from "@/lib/server/views/plan-preview";
import { liveResourceYaml } from "@/lib/server/views/resource-document";
import { resourceDetailView } from "@/lib/server/views/resource-detail";
import { listDefinitionSummaries, overviewPageView, summarizeDefinitions } from "@/lib/server/views/definition-summaries";
import { headChecksSettled } from "@/lib/server/services/head-check";
import { subscribe } from "@/lib/server/runtime/events";
import { insertActiveRun } from "@/lib/server/data/runs";
import { usersPageView } from "@/lib/server/views/admin-pages";

const NAME = "apps.example.io";
const app = (name: string, password: string, replicas = 1) =>
  JSON.stringify({ kind: "App", metadata: { name, namespace: "prod" }, spec: { replicas, db: { password } } }, null, 2);

describe("server views", () => {
  let store: TestStore;
  let fx: GitFixture;
  let repo: { dir: string; url: string };
  let admin: Principal;

  beforeAll(async () => {
    store = await openTestStore();
    fx = await startGitFixture();
    repo = fx.repo("apps");
    commitFiles(repo.dir, { "resources/a.json": app("a", "hunter2-secret"), "resources/b.json": app("b", "other-secret") }, "initial");
    const u = await createUser({ username: "admin", password: "correct horse", role: "admin" });
    admin = { via: "session", userId: u.id, username: "admin", role: "admin" };
    await addDefinition(definitionBody({ name: NAME, kind: "App", repoURL: repo.url, secretPaths: ["/db/password"] }), admin);
    const { done } = await startSync({ definition: NAME, trigger: "api", who: admin });
    expect((await done).phase).toBe("Succeeded");
  });

  afterAll(async () => {
    await fx?.close();
    await store?.close();
  });

  it("shows Synced by the engine's rule after a sync, OutOfSync once Git moves", async () => {
    expect((await listDefinitionSummaries()).find((d) => d.name === NAME)?.status).toBe("Synced");
    commitFiles(repo.dir, { "resources/a.json": app("a", "hunter2-secret", 3) }, "scale a");
    const row = (await findDefinition(NAME))!;
    const refreshed = await refreshDefinition(row, { full: true });
    expect(refreshed.kind).toBe("full");
    const summary = (await listDefinitionSummaries()).find((d) => d.name === NAME)!;
    expect(summary.counts.OutOfSync).toBe(1);
    expect(summary.status).toBe("OutOfSync");
  });

  it("answers the Refresh button from the refresh's own plan, equal to the diff's preview", async () => {
    const row = (await findDefinition(NAME))!;
    const refreshed = await refreshDefinition(row, { full: true, withPlan: true });
    expect(refreshed.planned).toBeDefined();
    const fromRefresh = planPreviewOf(rowToDefinition(row), refreshed.planned!);
    const fromDiff = toPlanPreview(await computeDiff(NAME));
    expect(fromRefresh).toEqual(fromDiff);
    expect(fromRefresh.counts.update).toBe(1);
    expect(fromRefresh.changes[0]?.desiredYaml).toContain("<secret:");
    expect(JSON.stringify(fromRefresh)).not.toContain("hunter2-secret");
    // the scheduler's refreshes hold no plan
    expect((await refreshDefinition(row, { full: true })).planned).toBeUndefined();
  });

  it("looks up the branch head without planning, and names a missing definition", async () => {
    const sha = commitFiles(repo.dir, { "resources/c.json": app("c", "third-secret") }, "add c");
    expect(await getBranchHead(NAME)).toEqual({ branch: "main", head: sha });
    const err = await getBranchHead("nope.example.io").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("NOT_FOUND");
  });

  it("shows the stored side through the planner's document view, secrets masked", async () => {
    // drift b in the store: its live side differs from Git, so the plan renders it
    await replaceResource(
      { kind: "App", namespace: "prod", name: "b" },
      { metadata: { name: "b", namespace: "prod" }, spec: { replicas: 5, db: { password: "drifted-secret" } } },
      admin,
    );
    const row = (await findResource({ kind: "App", namespace: "prod", name: "b" }))!;
    const shown = liveResourceYaml(row, NAME, ["/db/password"]);
    expect(shown).toContain("<secret:");
    expect(shown).not.toContain("drifted-secret");
    const detail = (await resourceDetailView(NAME, "prod", "b"))!;
    expect(detail.live?.drifted).toBe(true);
    // the page's live YAML (from the plan) is the same text the view renders from the row
    expect(detail.live?.yaml).toBe(shown);
    expect(detail.git?.action).toBe("update");
    expect(await resourceDetailView(NAME, "prod", "missing")).toBeNull();
  });

  it("refuses an admin lowering their own role in the service, and lists users for the page", async () => {
    // a second admin, so the refusal is about lowering oneself, not about the last admin
    const other = await createUser({ username: "olive", password: "correct horse", role: "admin" });
    const err = await changeUserRole(admin, admin.userId, "viewer").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toBe("You cannot lower your own role; ask another admin.");
    expect(await changeUserRole(admin, other.id, "operator")).toEqual({ id: other.id, role: "operator" });
    expect((await usersPageView()).map((u) => [u.username, u.role])).toEqual([
      ["admin", "admin"],
      ["olive", "operator"],
    ]);
  });

  it("the overview renders from the store at once: the head check runs in the background and says what changed", async () => {
    const { getDb } = await import("@/lib/server/db");
    const db = await getDb();
    const before = (await findDefinition(NAME))!;
    await db.resourceDefinition.update({ where: { name: NAME }, data: { headCheckedAt: new Date(0) } });
    const head = commitFiles(repo.dir, { "resources/c.json": app("c", "third-secret") }, "add c");
    const checked: string[][] = [];
    const stop = subscribe("heads-checked", ({ definitions }) => void checked.push(definitions));
    try {
      const first = (await overviewPageView({})).rows.find((d) => d.name === NAME)!;
      // rendered from the store: the head as it was stored, no Git call awaited
      expect(first.headCommit).toBe(before.headCommit);
      await headChecksSettled();
      expect(checked).toEqual([[NAME]]);
      const next = (await overviewPageView({})).rows.find((d) => d.name === NAME)!;
      expect(next.headCommit).toBe(head);
      expect(next.status).toBe("OutOfSync");
      expect(next.git?.headMoved).toBe(true);
      // checked within the last 10 s: the next view starts no check
      await overviewPageView({});
      await headChecksSettled();
      expect(checked).toHaveLength(1);
    } finally {
      stop();
    }
  });

  it("counts drift and finds active runs per definition, for many definitions at once", async () => {
    await addDefinition(definitionBody({ name: "others.example.io", kind: "Other", repoURL: repo.url, path: "/other" }), admin);
    const other = (await findDefinition("others.example.io"))!;
    const mine = (await findDefinition(NAME))!;
    const run = await insertActiveRun({
      definitionId: other.id,
      trigger: "api",
      initiator: "admin",
      dryRun: false,
      prune: false,
      requestedRevision: null,
      owner: "test",
    });
    try {
      const all = await summarizeDefinitions([mine, other]);
      const [a, o] = all;
      // b was replaced by hand above: drifted; the other definition has no resources
      expect(a!.counts.drifted).toBe(1);
      expect(o!.counts.drifted).toBe(0);
      expect(a!.activeRun).toBeNull();
      expect(o!.activeRun?.id).toBe(run.id);
      const page = await overviewPageView({ filter: "drifted" });
      expect(page.rows.map((d) => d.name)).toEqual([NAME]);
      expect(page.filterCounts.drifted).toBe(1);
    } finally {
      await (await import("@/lib/server/db")).getDb().then((db) => db.syncRun.delete({ where: { id: run.id } }));
    }
  });
});
