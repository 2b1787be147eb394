/**
 * The sync pipeline end to end: a real Git repository served over smart HTTP on 127.0.0.1,
 * a real embedded store, the services the API and pages call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { definitionBody } from "@/test/support/definition-body";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { createUser } from "@/lib/server/services/users";
import { addDefinition } from "@/lib/server/services/definitions";
import { computeDiff, resumeDefinition, startRollback, startSync } from "@/lib/server/services/sync";
import { getResourceView, listResources, replaceResource } from "@/lib/server/services/resources";
import { getRunWithChanges, listRuns } from "@/lib/server/services/runs";
import { findDefinition } from "@/lib/server/data/definitions";
import type { Principal } from "@/lib/server/auth/principal";
import { AppError } from "@/lib/server/errors";

const deployment = (ns: string, name: string, replicas: unknown, image = "app:1") =>
  JSON.stringify({ kind: "Deployment", metadata: { name, namespace: ns }, spec: { image, replicas } }, null, 2);

describe("sync service against a real Git server", () => {
  let store: TestStore;
  let fx: GitFixture;
  let repo: { dir: string; url: string };
  let admin: Principal;
  const commits: string[] = [];
  const NAME = "deployments.example.io";

  beforeAll(async () => {
    store = await openTestStore();
    fx = await startGitFixture();
    repo = fx.repo("deploy");
    commits.push(
      commitFiles(
        repo.dir,
        {
          "resources/a.json": deployment("prod", "a", 1),
          "resources/multi.yaml":
            "kind: Deployment\nmetadata: {name: b, namespace: prod}\nspec: {image: 'b:1', replicas: 2}\n---\n# a comment-only document\n---\nkind: Service\nmetadata: {name: svc, namespace: prod}\nspec: {}\n",
          "resources/bad.yaml": "kind: Deployment\nmetadata: {name: bad, namespace: prod}\nspec: {image: 'x', replicas: 'three'}\n",
          "resources/broken.yaml": "kind: Deployment\nmetadata: [unclosed\n",
          "other/ignored.json": deployment("prod", "ignored", 1),
        },
        "initial",
      ),
    );
    const u = await createUser({ username: "admin", password: "correct horse", role: "admin" });
    admin = { via: "session", userId: u.id, username: "admin", role: "admin" };
    await addDefinition(
      definitionBody({
        name: NAME,
        kind: "Deployment",
        repoURL: repo.url,
        schema: { type: "object", required: ["image", "replicas"], properties: { image: { type: "string" }, replicas: { type: "integer" } } },
      }),
      admin,
    );
  });

  afterAll(async () => {
    await fx?.close();
    await store?.close();
  });

  const sync = async (o: { dryRun?: boolean; revision?: string; prune?: boolean } = {}) => {
    const { done } = await startSync({ definition: NAME, trigger: "api", who: admin, ...o });
    return done;
  };

  it("diff shows the plan without recording a run", async () => {
    const d = await computeDiff(NAME);
    expect(d.commit).toBe(commits[0]);
    expect(d.counts.create).toBe(2);
    expect(d.counts.invalid).toBe(1);
    // the line of the failing field (issue 21), not the document's first line
    expect(d.changes.find((c) => c.name === "bad")?.error).toMatch(/bad\.yaml:3: .*replicas.*integer/);
    expect(d.fileProblems.map((p) => p.path)).toContain("resources/broken.yaml");
    expect(d.fileProblems.find((p) => p.path === "resources/broken.yaml")?.line).toBeGreaterThan(0);
    expect(d.otherKinds.Service).toBe(1);
    expect((await listRuns(NAME)).items).toHaveLength(0);
  });

  it("dry-run records a run and writes nothing", async () => {
    const run = await sync({ dryRun: true });
    expect(run.phase).toBe("Succeeded");
    expect(run.dryRun).toBe(true);
    expect((await listResources({ kind: "Deployment" })).items).toHaveLength(0);
    const full = await getRunWithChanges(run.id);
    expect(
      full.changes
        .filter((c) => c.action === "create")
        .map((c) => c.name)
        .sort(),
    ).toEqual(["a", "b"]);
    const created = full.changes.find((c) => c.action === "create" && c.name === "a");
    expect(created?.desiredYaml).toContain("replicas: 1");
    // a recorded create keeps only its document; the diff read back is the plan's
    expect(created?.diff).toEqual([{ path: "/spec", op: "added", new: { image: "app:1", replicas: 1 } }]);
    expect(created?.diff).toEqual((await computeDiff(NAME)).changes.find((c) => c.name === "a")?.diff);
  });

  it("sync creates valid resources with status.gitSync and skips invalid ones", async () => {
    const run = await sync();
    expect(run.phase).toBe("Succeeded");
    expect(run.resolvedCommit).toBe(commits[0]);
    const a = await getResourceView({ kind: "Deployment", namespace: "prod", name: "a" });
    expect(a.spec).toEqual({ image: "app:1", replicas: 1 });
    expect(a.status.gitSync.lastCommitSHA).toBe(commits[0]);
    expect(a.status.gitSync.syncError).toBe("");
    expect(a.status.gitSync.lastSyncTime).not.toBeNull();
    expect(a.metadata.generation).toBe(1);
    await expect(getResourceView({ kind: "Deployment", namespace: "prod", name: "bad" })).rejects.toThrow(/not found/);
    await expect(getResourceView({ kind: "Deployment", namespace: "prod", name: "ignored" })).rejects.toThrow(/not found/);
  });

  it("a second sync of the same commit ends at once with no changes", async () => {
    const run = await sync();
    expect(run.phase).toBe("Succeeded");
    expect((run.log as string[]).join("\n")).toMatch(/no changes/);
  });

  it("a new commit updates the spec and bumps generation; invalid keeps the last good spec with syncError", async () => {
    commits.push(
      commitFiles(
        repo.dir,
        {
          "resources/a.json": deployment("prod", "a", 5),
          "resources/multi.yaml": "kind: Deployment\nmetadata: {name: b, namespace: prod}\nspec: {image: 'b:1', replicas: -1.5}\n",
        },
        "scale a, break b",
      ),
    );
    const run = await sync();
    expect(run.phase).toBe("Succeeded");
    const full = await getRunWithChanges(run.id);
    const upd = full.changes.find((c) => c.name === "a");
    expect(upd?.action).toBe("update");
    expect(upd?.diff).toEqual([{ path: "/spec/replicas", op: "modified", old: 1, new: 5 }]);
    const a = await getResourceView({ kind: "Deployment", namespace: "prod", name: "a" });
    expect(a.spec).toEqual({ image: "app:1", replicas: 5 });
    expect(a.metadata.generation).toBe(2);
    expect(a.status.gitSync.lastCommitSHA).toBe(commits[1]);
    const b = await getResourceView({ kind: "Deployment", namespace: "prod", name: "b" });
    expect(b.spec).toEqual({ image: "b:1", replicas: 2 });
    expect(b.status.gitSync.syncError).toMatch(/multi\.yaml:3: .*replicas/);
  });

  it("an out-of-band change shows as drift and a sync reverts it", async () => {
    await replaceResource(
      { kind: "Deployment", namespace: "prod", name: "a" },
      { metadata: { name: "a", namespace: "prod" }, spec: { image: "hacked:1", replicas: 5 } },
      admin,
    );
    const a = await getResourceView({ kind: "Deployment", namespace: "prod", name: "a" });
    expect(a.status.drifted).toBe(true);
    const d = await computeDiff(NAME);
    const c = d.changes.find((x) => x.name === "a");
    expect(c?.drifted).toBe(true);
    expect(c?.action).toBe("update");
    const run = await sync();
    expect(run.phase).toBe("Succeeded");
    const after = await getResourceView({ kind: "Deployment", namespace: "prod", name: "a" });
    expect(after.spec).toEqual({ image: "app:1", replicas: 5 });
    expect(after.status.drifted).toBe(false);
  });

  it("one run per definition: a concurrent request gets SYNC_IN_PROGRESS", async () => {
    commits.push(commitFiles(repo.dir, { "resources/c.json": deployment("prod", "c", 1) }, "add c"));
    const first = await startSync({ definition: NAME, trigger: "api", who: admin });
    const second = await startSync({ definition: NAME, trigger: "api", who: admin }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(second).toBeInstanceOf(AppError);
    expect((second as AppError).code).toBe("SYNC_IN_PROGRESS");
    expect((second as AppError).message).toMatch(/a sync is already running/);
    expect((await first.done).phase).toBe("Succeeded");
    // a is unchanged by this commit: not rewritten, yet its status.gitSync names the new commit
    const a = await getResourceView({ kind: "Deployment", namespace: "prod", name: "a" });
    expect(a.status.gitSync.lastCommitSHA).toBe(commits[commits.length - 1]);
  });

  it("prune is opt-in: a removed file leaves an orphan until prune is requested", async () => {
    // file problems withhold prune (they may hide resources still in Git), so fix broken.yaml too
    commits.push(commitFiles(repo.dir, { "resources/c.json": null, "resources/broken.yaml": null }, "remove c"));
    const keep = await getRunWithChanges((await sync()).id);
    expect(keep.changes.find((c) => c.name === "c")?.action).toBe("skipped");
    await expect(getResourceView({ kind: "Deployment", namespace: "prod", name: "c" })).resolves.toBeTruthy();
    const pruned = await getRunWithChanges((await sync({ prune: true })).id);
    expect(pruned.changes.find((c) => c.name === "c")?.action).toBe("delete");
    await expect(getResourceView({ kind: "Deployment", namespace: "prod", name: "c" })).rejects.toThrow(/not found/);
  });

  it("never prunes everything when the path vanishes", async () => {
    commits.push(commitFiles(repo.dir, { resources: null }, "oops: remove the whole folder"));
    const run = await getRunWithChanges((await sync({ prune: true })).id);
    expect(run.log.join("\n")).toMatch(/prune withheld/);
    expect((await listResources({ kind: "Deployment" })).items.length).toBeGreaterThanOrEqual(2);
  });

  it("rollback to an earlier commit restores its spec and pins; resume clears the pin", async () => {
    commits.push(
      commitFiles(
        repo.dir,
        {
          "resources/a.json": deployment("prod", "a", 9),
          "resources/multi.yaml": "kind: Deployment\nmetadata: {name: b, namespace: prod}\nspec: {image: 'b:2', replicas: 2}\n",
        },
        "restore",
      ),
    );
    expect((await sync()).phase).toBe("Succeeded");
    expect((await getResourceView({ kind: "Deployment", namespace: "prod", name: "a" })).spec).toEqual({ image: "app:1", replicas: 9 });

    // commits[0] has an invalid file (bad.yaml) and a parse error: a rollback there must refuse
    const refused = await (await startRollback(NAME, { commit: commits[0]! }, admin)).done;
    expect(refused.phase).toBe("Failed");
    expect(refused.error).toMatch(/rollback refused/);
    expect((await getResourceView({ kind: "Deployment", namespace: "prod", name: "a" })).spec).toEqual({ image: "app:1", replicas: 9 });
    expect((await findDefinition(NAME))?.pinnedRevision).toBeNull();

    const good = commits[commits.length - 1]!;
    commits.push(commitFiles(repo.dir, { "resources/a.json": deployment("prod", "a", 42) }, "scale a to 42"));
    expect((await sync()).phase).toBe("Succeeded");
    expect((await getResourceView({ kind: "Deployment", namespace: "prod", name: "a" })).spec).toEqual({ image: "app:1", replicas: 42 });
    const bCommit = async () => (await getResourceView({ kind: "Deployment", namespace: "prod", name: "b" })).status.gitSync.lastCommitSHA;
    expect(await bCommit()).toBe(commits[commits.length - 1]);

    const rb = await (await startRollback(NAME, { commit: good }, admin)).done;
    expect(rb.phase).toBe("Succeeded");
    expect(rb.trigger).toBe("rollback");
    expect((await getResourceView({ kind: "Deployment", namespace: "prod", name: "a" })).spec).toEqual({ image: "app:1", replicas: 9 });
    expect((await findDefinition(NAME))?.pinnedRevision).toBe(good);
    // b did not change since `good`: its stamps follow each sync, the rollback's too
    expect(await bCommit()).toBe(good);

    // while pinned, a plain sync stays on the pin
    const pinnedSync = await sync();
    expect(pinnedSync.resolvedCommit).toBe(good);
    await resumeDefinition(NAME, admin);
    expect((await findDefinition(NAME))?.pinnedRevision).toBeNull();
    const resumed = await sync();
    expect(resumed.resolvedCommit).toBe(commits[commits.length - 1]);
  });

  it("a revision that does not exist fails the run with a specific message and changes nothing", async () => {
    const before = (await listResources({ kind: "Deployment" })).items.map((r) => [r.metadata.name, r.spec]);
    const run = await sync({ revision: "0123456789abcdef0123456789abcdef01234567" });
    expect(run.phase).toBe("Failed");
    expect(run.error).toMatch(/0123456/);
    expect((await listResources({ kind: "Deployment" })).items.map((r) => [r.metadata.name, r.spec])).toEqual(before);
  });
});
