/**
 * Many definitions on one repository (issue 17, and issue 16's "a commit that does not touch
 * the definition's path is not a change"): a commit outside a definition's path records nothing
 * new and starts no run; one head check serves every definition of a repository and branch in
 * the scheduler's sweep (services/refresh-bulk.ts); a `.sourceignore` above the path counts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { definitionBody } from "@/test/support/definition-body";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { createUser } from "@/lib/server/services/users";
import { addDefinition } from "@/lib/server/services/definitions";
import { listRuns } from "@/lib/server/services/runs";
import { startSync } from "@/lib/server/services/sync";
import { findDefinition } from "@/lib/server/data/definitions";
import { reconcile } from "@/lib/server/scheduler/reconcile";
import { schedulerConfig } from "@/lib/server/scheduler/config";
import { installRunHooks } from "@/lib/server/scheduler/scheduler";
import { refreshUnchangedInBulk } from "@/lib/server/services/refresh-bulk";
import { forgetBranchHeads } from "@/lib/server/services/shared-git";
import { subscribe } from "@/lib/server/runtime/events";
import type { Principal } from "@/lib/server/auth/principal";

const widget = (name: string, size: number) => JSON.stringify({ kind: "Widget", metadata: { name, namespace: "default" }, spec: { size } });
const schema = { type: "object", properties: { size: { type: "integer" } } };

describe("one repository, many definitions", () => {
  let store: TestStore;
  let fx: GitFixture;
  let admin: Principal;
  let repo: { dir: string; url: string };
  const cfg = () => schedulerConfig();
  const row = async (name: string) => (await findDefinition(name))!;
  const runs = async (name: string) => (await listRuns(name)).items;

  async function define(name: string, kind: string, path: string, automated: boolean) {
    await addDefinition(definitionBody({ name, kind, repoURL: repo.url, path, schema, syncPolicy: automated ? { automated: true } : {} }), admin);
  }

  /** reconcile until the refresh is cheap (the first refresh after a sync plans once) */
  async function settle(name: string) {
    for (let i = 0; i < 3; i++) if ((await reconcile(await row(name), "interval", cfg())).refresh?.kind === "cheap") return;
    throw new Error(`${name} did not settle`);
  }

  beforeAll(async () => {
    store = await openTestStore();
    fx = await startGitFixture();
    const u = await createUser({ username: "admin", password: "correct horse", role: "admin" });
    admin = { via: "session", userId: u.id, username: "admin", role: "admin" };
    installRunHooks();
    repo = fx.repo("mono");
    commitFiles(repo.dir, { "apps/a/w.json": widget("a", 1), "apps/b/w.json": widget("b", 1), "apps/c/w.json": widget("c", 1) }, "one");
    await define("as.example.io", "A", "/apps/a", true);
    await define("bs.example.io", "B", "/apps/b", true);
    await define("cs.example.io", "C", "/apps/c", false);
    for (const n of ["as.example.io", "bs.example.io"]) expect((await reconcile(await row(n), "interval", cfg())).sync).toMatchObject({ phase: "Succeeded" });
    for (const n of ["as.example.io", "bs.example.io", "cs.example.io"]) await settle(n);
  });
  afterAll(async () => {
    await fx?.close();
    await store?.close();
  });

  it("a commit outside a definition's path: no plan, no run, nothing new recorded; the touched one syncs", async () => {
    const before = { b: await row("bs.example.io"), c: await row("cs.example.io") };
    const runsBefore = (await runs("bs.example.io")).length;
    const c2 = commitFiles(repo.dir, { "apps/a/w.json": widget("a", 2) }, "only a");

    const b = await reconcile(await row("bs.example.io"), "webhook", cfg());
    expect(b.refresh?.kind).toBe("cheap");
    expect(b.sync).toEqual({ skipped: "in sync" });
    expect(await runs("bs.example.io")).toHaveLength(runsBefore);
    const c = await reconcile(await row("cs.example.io"), "interval", cfg());
    expect(c.refresh?.kind).toBe("cheap");
    for (const [name, was] of [
      ["bs.example.io", before.b],
      ["cs.example.io", before.c],
    ] as const) {
      const now = await row(name);
      expect(now.headCommit).toBe(was.headCommit);
      expect(now.syncedCommit).toBe(was.syncedCommit);
      expect(now.statusSummary).toEqual(was.statusSummary);
    }

    const a = await reconcile(await row("as.example.io"), "webhook", cfg());
    expect(a.sync).toMatchObject({ phase: "Succeeded" });
    expect((await row("as.example.io")).syncedCommit).toBe(c2);
  });

  it("the sweep: one head check for the repository, unchanged definitions settled together, a changed one left to its reconcile", async () => {
    await settle("as.example.io");
    forgetBranchHeads([{ repoURL: repo.url, branch: "main" }]);
    const items = async () => (await Promise.all(["as.example.io", "bs.example.io", "cs.example.io"].map(row))).map((r) => ({ row: r, headMaxAgeMs: 60_000 }));

    const ops: string[] = [];
    const unsubscribe = subscribe("git-operation", ({ operation }) => void ops.push(operation));
    try {
      const quiet = await refreshUnchangedInBulk(await items());
      expect(quiet.size).toBe(3);
      expect(ops).toEqual(["resolve-head"]);
      // within the head's age, a second sweep asks the remote nothing
      await refreshUnchangedInBulk(await items());
      expect(ops).toEqual(["resolve-head"]);

      const onlyC = commitFiles(repo.dir, { "apps/c/w.json": widget("c", 2) }, "only c");
      forgetBranchHeads([{ repoURL: repo.url, branch: "main" }]);
      ops.length = 0;
      const settled = await refreshUnchangedInBulk(await items());
      expect([...settled].sort()).toEqual([(await row("as.example.io")).id, (await row("bs.example.io")).id].sort());
      // one head check and one fetch for the three definitions
      expect(ops).toEqual(["resolve-head", "fetch"]);
      // the changed one's run plans the head the shared fetch brought: no second head check or fetch
      const { done } = await startSync({ definition: "cs.example.io", trigger: "manual", who: "system", knownHead: onlyC });
      expect((await done).phase).toBe("Succeeded");
      expect((await row("cs.example.io")).syncedCommit).toBe(onlyC);
      expect(ops.filter((o) => o === "resolve-head" || o === "fetch")).toEqual(["resolve-head", "fetch"]);
    } finally {
      unsubscribe();
    }
  });

  it("a .sourceignore above the path is part of what the path reads", async () => {
    await settle("bs.example.io");
    const runsBefore = (await runs("bs.example.io")).length;
    commitFiles(repo.dir, { "apps/.sourceignore": "nothing-matches-this\n" }, "ignore file");
    const b = await reconcile(await row("bs.example.io"), "interval", cfg());
    expect(b.sync).toMatchObject({ phase: "Succeeded" });
    expect(await runs("bs.example.io")).toHaveLength(runsBefore + 1);
  });
});
