/**
 * Issue 21, "honest status", end to end against a real Git server on 127.0.0.1 and a real store:
 * a run that refused a resource or skipped a file is "Succeeded with problems"; the pages' cheap
 * head check makes a new commit show as OutOfSync before any Refresh, and counts how far behind
 * the applied commit (or the pin) is; Git failures are a state with their cause; one resource
 * can be synced or have its drift reverted as a run with one change; run ids work by 8-char prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { definitionBody } from "@/test/support/definition-body";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { createUser } from "@/lib/server/services/users";
import { addDefinition } from "@/lib/server/services/definitions";
import { resumeDefinition, startResourceSync, startRollback, startSync } from "@/lib/server/services/sync";
import { getResourceView, replaceResource } from "@/lib/server/services/resources";
import { getRunWithChanges, listRuns } from "@/lib/server/services/runs";
import { refreshDefinition } from "@/lib/server/services/refresh";
import { findDefinition } from "@/lib/server/data/definitions";
import { listDefinitionSummaries } from "@/lib/server/views/definition-summaries";
import { definitionPageView } from "@/lib/server/views/definition-page";
import type { Principal } from "@/lib/server/auth/principal";
import { AppError } from "@/lib/server/errors";

const deployment = (name: string, replicas: unknown, image = "app:1") =>
  JSON.stringify({ kind: "Deployment", metadata: { name, namespace: "prod" }, spec: { image, replicas } }, null, 2);

const schema = { type: "object", required: ["image", "replicas"], properties: { image: { type: "string" }, replicas: { type: "integer" } } };

describe("honest status against a real Git server", () => {
  let store: TestStore;
  let fx: GitFixture;
  let repo: { dir: string; url: string };
  let admin: Principal;
  const NAME = "deployments.honest.io";
  const commits: string[] = [];

  beforeAll(async () => {
    store = await openTestStore();
    fx = await startGitFixture();
    repo = fx.repo("honest");
    commits.push(
      commitFiles(
        repo.dir,
        {
          "resources/a.json": deployment("a", 1),
          "resources/b.json": deployment("b", 1),
          "resources/bad.yaml": "kind: Deployment\nmetadata: {name: bad, namespace: prod}\nspec:\n  image: x\n  replicas: three\n",
          "resources/broken.yaml": "kind: Deployment\nmetadata: [unclosed\n",
        },
        "initial",
      ),
    );
    const u = await createUser({ username: "admin", password: "correct horse", role: "admin" });
    admin = { via: "session", userId: u.id, username: "admin", role: "admin" };
    await addDefinition(definitionBody({ name: NAME, kind: "Deployment", repoURL: repo.url, schema }), admin);
  });

  afterAll(async () => {
    await fx?.close();
    await store?.close();
  });

  const summary = async () => (await listDefinitionSummaries()).find((d) => d.name === NAME)!;
  /** the next page view checks the head again (the check is throttled to one per 10 s) */
  const expireHeadCheck = async () => {
    const { getDb } = await import("@/lib/server/db");
    await (await getDb()).resourceDefinition.update({ where: { name: NAME }, data: { headCheckedAt: new Date(0) } });
  };

  it("a run that refused a resource and skipped a file is Succeeded with problems, with the file problems on the run", async () => {
    const { done } = await startSync({ definition: NAME, trigger: "api", who: admin });
    const run = await done;
    expect(run.phase).toBe("Succeeded");
    const detail = await getRunWithChanges(run.id);
    expect(detail.problems).toBe(2);
    expect(detail.outcome).toBe("SucceededWithProblems");
    expect(detail.fileProblems.map((p) => p.path)).toEqual(["resources/broken.yaml"]);
    expect(detail.fileProblems[0]!.line).toBeGreaterThan(0);
    expect((await listRuns(NAME)).items[0]).toMatchObject({ problems: 2, outcome: "SucceededWithProblems" });
    expect((await summary()).lastRun?.outcome).toBe("SucceededWithProblems");
  });

  it("a schema error points to the line of the failing field, not the document's first line", async () => {
    const run = (await listRuns(NAME)).items[0]!;
    const bad = (await getRunWithChanges(run.id)).changes.find((c) => c.name === "bad")!;
    expect(bad.action).toBe("invalid");
    expect(bad.error).toMatch(/bad\.yaml:5: .*replicas/);
  });

  it("run ids work by their first 8 characters, as the UI shows them", async () => {
    const run = (await listRuns(NAME)).items[0]!;
    expect((await getRunWithChanges(run.id.slice(0, 8))).id).toBe(run.id);
    await expect(getRunWithChanges("ffffffff")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("shows the head with its message and the applied commit 0 behind after a sync", async () => {
    const d = await summary();
    expect(d.git).toMatchObject({ branch: "main", head: commits[0], applied: commits[0], behind: 0, headMoved: false, error: null });
    expect(d.git?.headMessage).toBe("initial");
    expect(d.git?.checkedAt).not.toBeNull();
  });

  it("a new commit is OutOfSync and behind on the next page view, before anyone clicks Refresh", async () => {
    commits.push(commitFiles(repo.dir, { "resources/a.json": deployment("a", 2), "resources/bad.yaml": null, "resources/broken.yaml": null }, "scale a"));
    await expireHeadCheck();
    const d = await summary();
    expect(d.git).toMatchObject({ head: commits[1], applied: commits[0], headMoved: true });
    expect(d.status).toBe("OutOfSync");
    // a refresh fetches the head: now the distance and the message are known
    await refreshDefinition((await findDefinition(NAME))!, { full: true });
    const after = await summary();
    expect(after.git).toMatchObject({ behind: 1, headMessage: "scale a" });
  });

  it("while pinned, says how many commits the branch is ahead of the pin; after Resume it is OutOfSync", async () => {
    await (
      await startSync({ definition: NAME, trigger: "api", who: admin })
    ).done;
    commits.push(commitFiles(repo.dir, { "resources/b.json": deployment("b", 3) }, "scale b"));
    await (
      await startSync({ definition: NAME, trigger: "api", who: admin })
    ).done;
    const { done } = await startRollback(NAME, { commit: commits[1] }, admin);
    expect((await done).phase).toBe("Succeeded");
    await expireHeadCheck();
    const pinned = await summary();
    expect(pinned.git).toMatchObject({ pinned: commits[1], head: commits[2], headMoved: true, behind: 1 });
    await resumeDefinition(NAME, admin);
    await expireHeadCheck();
    const resumed = await summary();
    expect(resumed.status).toBe("OutOfSync");
    expect(resumed.git).toMatchObject({ pinned: null, applied: commits[1], head: commits[2], headMoved: true });
  });

  it("syncs one resource as a run with one change, without moving the definition's applied commit", async () => {
    const { done } = await startResourceSync({ definition: NAME, namespace: "prod", name: "b", mode: "sync", trigger: "api", who: admin });
    const run = await done;
    expect(run.phase).toBe("Succeeded");
    const detail = await getRunWithChanges(run.id);
    expect(detail.changes.map((c) => [c.name, c.action])).toEqual([["b", "update"]]);
    expect(detail.total).toBe(1);
    const b = await getResourceView({ kind: "Deployment", namespace: "prod", name: "b" });
    expect((b.spec as { replicas: number }).replicas).toBe(3);
    expect(b.status.gitSync.lastCommitSHA).toBe(commits[2]);
    expect((await findDefinition(NAME))!.syncedCommit).toBe(commits[1]);
  });

  it("reverts one resource's drift to the version the last sync applied", async () => {
    await replaceResource(
      { kind: "Deployment", namespace: "prod", name: "a" },
      { kind: "Deployment", metadata: { name: "a", namespace: "prod" }, spec: { image: "hand-edited", replicas: 9 } },
      admin,
    );
    expect((await getResourceView({ kind: "Deployment", namespace: "prod", name: "a" })).status.drifted).toBe(true);
    const run = await (await startResourceSync({ definition: NAME, namespace: "prod", name: "a", mode: "revert", trigger: "api", who: admin })).done;
    expect(run.phase).toBe("Succeeded");
    const a = await getResourceView({ kind: "Deployment", namespace: "prod", name: "a" });
    expect(a.spec).toEqual({ image: "app:1", replicas: 2 });
    expect(a.status.drifted).toBe(false);
  });

  it("refuses to sync a resource Git does not have, and records why", async () => {
    const run = await (await startResourceSync({ definition: NAME, namespace: "prod", name: "nope", mode: "sync", trigger: "api", who: admin })).done;
    expect(run.phase).toBe("Failed");
    expect(run.error).toMatch(/not in Git/);
  });

  it("Git failures are a state with their cause: not found, host refused, missing secret", async () => {
    const cases: [string, string, Record<string, unknown>, string, boolean][] = [
      ["gones.honest.io", "Gone", { repoURL: fx.server.url("does-not-exist") }, "not-found", true],
      ["refuseds.honest.io", "Refused", { repoURL: "http://127.0.0.1:1/repo.git" }, "host-refused", false],
      ["nosecrets.honest.io", "NoSecret", { repoURL: repo.url, secretName: "missing-secret" }, "secret-missing", true],
    ];
    for (const [name, kind, gitops, cause, offerSecret] of cases) {
      const body = definitionBody({ name, kind, repoURL: repo.url, schema: { type: "object" } }) as { spec: { gitops: Record<string, unknown> } };
      Object.assign(body.spec.gitops, gitops);
      await addDefinition(body, admin);
      const refreshed = await refreshDefinition((await findDefinition(name))!, { full: true });
      expect(refreshed.kind).toBe("error");
      const page = await definitionPageView(name, {}, null);
      expect(page?.summary.git?.error, name).toMatchObject({ cause, offerSecret });
      expect(page?.summary.git?.error?.message).not.toMatch(/undefined|\[object/);
    }
  });

  it("a failing head check never throws into the page", async () => {
    const page = await definitionPageView("refuseds.honest.io", {}, null);
    expect(page).not.toBeNull();
    expect(page!.summary.git?.error?.causeText).toBe("host refused or unreachable");
    await expect(definitionPageView("refuseds.honest.io", {}, null)).resolves.toBeTruthy();
    expect(new AppError("NOT_FOUND", "x").status).toBe(404);
  });

  it("a refresh that a sync overtook records nothing over the sync's status (the e2e overview race)", async () => {
    const name = "overtakens.honest.io";
    const r = fx.repo("overtaken");
    commitFiles(r.dir, { "resources/x.json": deployment("x", 1), "resources/y.json": deployment("y", 2) }, "two");
    await addDefinition(definitionBody({ name, kind: "Deployment", repoURL: r.url, schema }), admin);
    // the scheduler read the row, then a sync ran and finished while it planned against the rows before
    const before = (await findDefinition(name))!;
    const run = await (await startSync({ definition: name, trigger: "api", who: admin })).done;
    expect(run.phase).toBe("Succeeded");
    const synced = (await findDefinition(name))!.statusSummary;
    expect(synced).toMatchObject({ Synced: 2 });
    const stale = await refreshDefinition(before, { full: true });
    expect(stale.kind).toBe("cheap");
    expect((await findDefinition(name))!.statusSummary).toEqual(synced);
    // a refresh from the current row plans and records as before
    const fresh = await refreshDefinition((await findDefinition(name))!, { full: true });
    expect(fresh.kind).toBe("full");
    expect((await findDefinition(name))!.statusSummary).toMatchObject({ Synced: 2, OutOfSync: 0 });
  });
});
