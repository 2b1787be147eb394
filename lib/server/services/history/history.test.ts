/**
 * Comparable history (issue 16) against a real Git repository served over smart HTTP on
 * 127.0.0.1 and a real embedded store: compare in both modes, secret masking, tags, short SHAs
 * and short run ids, unknown refs, the path-filtered commit list (half the commits touch other
 * paths), and the rollback preview against what the rollback then applies.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles, git, tag } from "@/test/support/git-repo";
import { definitionBody } from "@/test/support/definition-body";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { createUser } from "@/lib/server/services/users";
import { addDefinition } from "@/lib/server/services/definitions";
import { computeDiff, startRollback, startSync } from "@/lib/server/services/sync";
import { getRunWithChanges } from "@/lib/server/services/runs";
import { compareHistory, listDefinitionCommits } from "@/lib/server/services/history";
import type { Principal } from "@/lib/server/auth/principal";
import type { CompareView } from "@/lib/api/history";

const app = (name: string, replicas: number, password: string) =>
  JSON.stringify({ kind: "App", metadata: { name, namespace: "prod" }, spec: { image: `${name}:1`, replicas, password } }, null, 2);

const NAME = "apps.example.io";
const actions = (v: CompareView) => Object.fromEntries(v.changes.map((c) => [c.name, c.action]));

describe("compare and path-filtered history", () => {
  let store: TestStore;
  let fx: GitFixture;
  let repo: { dir: string; url: string };
  let admin: Principal;
  // c1 resources, c2 other, c3 resources, c4 other, c5 resources, c6 other
  const c: string[] = [];
  const runs: { first: string; second: string; dry: string } = { first: "", second: "", dry: "" };

  beforeAll(async () => {
    store = await openTestStore();
    fx = await startGitFixture();
    repo = fx.repo("apps");
    c.push(commitFiles(repo.dir, { "resources/a.yaml": app("a", 1, "s3cret-one"), "resources/b.yaml": app("b", 1, "bee-pass") }, "first apps"));
    tag(repo.dir, "v1");
    c.push(commitFiles(repo.dir, { "other/readme.txt": "not ours" }, "docs"));
    c.push(
      commitFiles(
        repo.dir,
        { "resources/a.yaml": app("a", 2, "s3cret-two"), "resources/b.yaml": null, "resources/c.yaml": app("c", 1, "sea") },
        "scale a, drop b, add c",
      ),
    );
    c.push(commitFiles(repo.dir, { "other/readme.txt": "still not ours" }, "more docs"));
    c.push(commitFiles(repo.dir, { "resources/d.yaml": app("d", 3, "dee") }, "add d"));
    c.push(commitFiles(repo.dir, { "other/more.txt": "x" }, "even more docs"));
    const u = await createUser({ username: "admin", password: "correct horse", role: "admin" });
    admin = { via: "session", userId: u.id, username: "admin", role: "admin" };
    await addDefinition(
      definitionBody({
        name: NAME,
        kind: "App",
        repoURL: repo.url,
        secretPaths: ["/password"],
        syncPolicy: { prune: true },
        schema: {
          type: "object",
          required: ["image", "replicas"],
          properties: { image: { type: "string" }, replicas: { type: "integer" }, password: { type: "string" } },
        },
      }),
      admin,
    );
    const sync = async (revision: string, dryRun = false) => {
      const { run, done } = await startSync({ definition: NAME, trigger: "api", who: admin, revision, dryRun });
      await done;
      return run.id;
    };
    runs.first = await sync(c[0]!);
    runs.dry = await sync(c[2]!, true);
    runs.second = await sync(c[2]!);
  });

  afterAll(async () => {
    await fx?.close();
    await store?.close();
  });

  it("desired mode: create, update and delete between a tag and a short SHA, secrets masked", async () => {
    const v = await compareHistory(NAME, { from: "v1", to: c[2]!.slice(0, 7), mode: "desired", fetchMissing: true });
    expect(v.from).toMatchObject({
      type: "commit",
      commit: c[0],
      commitMessage: expect.stringContaining("first apps"),
      author: expect.stringContaining("Syncline Test"),
    });
    expect(v.to.commit).toBe(c[2]);
    expect(actions(v)).toEqual({ a: "update", b: "delete", c: "create" });
    expect(v.counts).toMatchObject({ create: 1, update: 1, delete: 1, unchanged: 0 });
    const a = v.changes.find((x) => x.name === "a")!;
    expect(a.diff.map((d) => d.path).sort()).toEqual(["/spec/password", "/spec/replicas"]);
    expect(a.liveYaml).toContain("replicas: 1");
    expect(a.desiredYaml).toContain("replicas: 2");
    const text = JSON.stringify(v);
    for (const secret of ["s3cret-one", "s3cret-two", "bee-pass", 'sea"']) expect(text).not.toContain(secret);
    expect(a.desiredYaml).toMatch(/password: .*<secret:/);
  });

  it("desired mode between two runs by short id equals the commits'", async () => {
    const byRun = await compareHistory(NAME, { from: runs.first.slice(0, 8), to: runs.second.slice(0, 8), mode: "desired" });
    expect(byRun.from).toMatchObject({ type: "run", commit: c[0], run: { id: runs.first, phase: "Succeeded" } });
    expect(actions(byRun)).toEqual({ a: "update", b: "delete", c: "create" });
  });

  it("from == to gives no changes, in both modes", async () => {
    const d = await compareHistory(NAME, { from: c[2]!, to: c[2]!, mode: "desired" });
    expect(d.changes.every((x) => x.action === "unchanged")).toBe(true);
    expect(d.counts.unchanged).toBe(2);
    const a = await compareHistory(NAME, { from: runs.second, to: runs.second, mode: "applied" });
    expect(a.changes.map((x) => x.action)).toEqual(["unchanged", "unchanged"]);
  });

  it("applied mode: the store after each run, from the recorded changes; a commit stands for its applied run; live is the store", async () => {
    const v = await compareHistory(NAME, { from: runs.first.slice(0, 8), to: runs.second, mode: "applied" });
    expect(actions(v)).toEqual({ a: "update", b: "delete", c: "create" });
    expect(JSON.stringify(v)).not.toContain("s3cret");
    const byCommit = await compareHistory(NAME, { from: "v1", to: c[2]!.slice(0, 10), mode: "applied" });
    expect(byCommit.from.run?.id).toBe(runs.first);
    expect(actions(byCommit)).toEqual(actions(v));
    const toLive = await compareHistory(NAME, { from: runs.first, to: "live", mode: "applied" });
    expect(toLive.to.type).toBe("live");
    expect(actions(toLive)).toEqual({ a: "update", b: "delete", c: "create" });
    // the applied store after the second run is what is live now: nothing differs
    const now = await compareHistory(NAME, { from: runs.second, to: "live", mode: "applied" });
    expect(now.changes.every((x) => x.action === "unchanged")).toBe(true);
    // a dry run applied nothing
    await expect(compareHistory(NAME, { from: runs.dry, to: runs.second, mode: "applied" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: /dry run/ });
  });

  it("unknown runs, commits and tags are a 404 naming them", async () => {
    await expect(compareHistory(NAME, { from: "no-such-tag", to: "v1", fetchMissing: true })).rejects.toMatchObject({ status: 404, message: /no-such-tag/ });
    await expect(compareHistory(NAME, { from: "v1", to: "deadbeef", fetchMissing: true })).rejects.toMatchObject({ status: 404, message: /deadbeef/ });
    await expect(compareHistory(NAME, { from: "v1", to: "v1", mode: "applied" }).then(() => "ok")).resolves.toBe("ok");
    await expect(compareHistory(NAME, { from: c[4]!, to: "v1", mode: "applied" })).rejects.toMatchObject({ status: 404, message: /succeeded sync/ });
    await expect(compareHistory("nope.example.io", { from: "v1", to: "v1" })).rejects.toMatchObject({ status: 404, message: /nope\.example\.io/ });
  });

  it("a commit pushed after the last fetch is fetched first (operators); a viewer is told so", async () => {
    const later = commitFiles(repo.dir, { "resources/e.yaml": app("e", 1, "eee") }, "add e");
    tag(repo.dir, "later");
    git(repo.dir, ["reset", "-q", "--hard", c[5]!]); // the tag's commit is on no branch
    await expect(compareHistory(NAME, { from: c[2]!, to: "later", fetchMissing: false })).rejects.toMatchObject({ status: 403 });
    const v = await compareHistory(NAME, { from: c[2]!, to: "later", fetchMissing: true });
    expect(v.to.commit).toBe(later);
    expect(actions(v)).toMatchObject({ a: "unchanged", c: "unchanged", d: "create", e: "create" });
  });

  it("lists only the commits that changed the definition's path, newest first, paged, with what ran them", async () => {
    const page = await listDefinitionCommits(NAME, { limit: 10 });
    expect(page.items.map((m) => m.sha)).toEqual([c[4], c[2], c[0]]);
    expect(page.nextCursor).toBeNull();
    expect(page.path).toBe("/resources");
    const [c5, c3, c1] = page.items;
    expect(c5).toMatchObject({ applied: null, dryRun: null, current: false, message: expect.stringContaining("add d") });
    expect(c3).toMatchObject({ applied: { runId: runs.second }, dryRun: { runId: runs.dry }, current: true });
    expect(c1).toMatchObject({ applied: { runId: runs.first }, rolledBackTo: null, author: expect.stringContaining("Syncline Test") });

    const first = await listDefinitionCommits(NAME, { limit: 2 });
    expect(first.items.map((m) => m.sha)).toEqual([c[4], c[2]]);
    expect(first.nextCursor).toBe(c[2]);
    const second = await listDefinitionCommits(NAME, { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((m) => m.sha)).toEqual([c[0]]);
    expect(second.nextCursor).toBeNull();
  });

  it("the rollback preview is what the rollback then applies", async () => {
    const preview = await computeDiff(NAME, { revision: c[0]!, fetchMissing: true });
    const changed = Object.fromEntries(preview.changes.filter((x) => x.action !== "unchanged").map((x) => [x.name, x.action]));
    expect(changed).toEqual({ a: "update", b: "create", c: "delete" });
    const { run, done } = await startRollback(NAME, { commit: c[0]! }, admin);
    await done;
    const applied = await getRunWithChanges(run.id);
    expect(applied.phase).toBe("Succeeded");
    expect(Object.fromEntries(applied.changes.filter((x) => x.action !== "unchanged").map((x) => [x.name, x.action]))).toEqual(changed);
    for (const k of ["create", "update", "delete"]) expect(applied.counts[k]).toBe(preview.counts[k]);
    for (const ch of applied.changes) {
      const p = preview.changes.find((x) => x.name === ch.name)!;
      expect(ch.diff).toEqual(p.diff);
    }
    const after = await listDefinitionCommits(NAME, { limit: 10 });
    expect(after.items.find((m) => m.sha === c[0])).toMatchObject({ rolledBackTo: { runId: run.id }, current: true });
  });
});
