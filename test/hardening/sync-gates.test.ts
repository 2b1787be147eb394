/**
 * Hardening — M1 of issue 19: any revision could be applied to production. `sync {revision}`
 * took any SHA the Git server hands out, an unmerged pull-request commit included; afterwards
 * headCommit held it and the page said "Synced". Now a real sync applies by default only
 * commits on gitops.branch (walked from its head, deepening the shallow store) or commits the
 * definition applied before (rollback); other revisions are admin-only or need
 * spec.gitops.allowAnyRevision, are never stored as the branch head, and the page and API say
 * "applied commit is not on main". Through the services the API, the actions and the CLI share,
 * with a real Git server (the pull request is pushed to refs/pull/1/head, not main).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles, git, makeTempDir } from "@/test/support/git-repo";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { createUser } from "@/lib/server/services/users";
import { startRollback, startSync } from "@/lib/server/services/sync";
import { getResourceView } from "@/lib/server/services/resources";
import { getDefinitionView } from "@/lib/server/services/definitions";
import { listDefinitionSummaries } from "@/lib/server/views/definition-summaries";
import { findDefinition } from "@/lib/server/data/definitions";
import { listRuns } from "@/lib/server/services/runs";
import { AppError } from "@/lib/server/errors";
import { GitError } from "@/lib/server/git/git-client";
import { IsomorphicGitClient } from "@/lib/server/git/isomorphic-git-client";
import type { Principal } from "@/lib/server/auth/principal";
import { addDefinition } from "@/lib/server/services/definitions";
import { definitionBody } from "@/test/support/definition-body";
import { defineWidgets, logOf, makeAdmin, widget, widgetSchema } from "./support";

const NAME = "widgets.gates.io";

describe("hardening: which revision a sync may apply (embedded store, real Git server)", () => {
  let store: TestStore;
  let fx: GitFixture;
  let admin: Principal;
  let operator: Principal;
  let repo: { dir: string; url: string };
  const main: string[] = [];
  let pr: string;

  const replicas = async (name = "a") => ((await getResourceView({ kind: "Widget", namespace: "p", name })).spec as { replicas: number }).replicas;
  const sync = async (who: Principal, revision?: string, definition = NAME) => (await startSync({ definition, trigger: "api", who, revision })).done;
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => e,
    );

  beforeAll(async () => {
    store = await openTestStore();
    fx = await startGitFixture();
    admin = await makeAdmin();
    const u = await createUser({ username: "opal", password: "correct horse battery", role: "operator" });
    operator = { via: "session", userId: u.id, username: "opal", role: "operator" };
    repo = fx.repo("gates");
    for (let i = 1; i <= 6; i++) main.push(commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: i }) }, `replicas ${i}`));
    // a contributor's pull request: on refs/pull/1/head only, never merged into main
    git(repo.dir, ["checkout", "-q", "-b", "contributor"]);
    pr = commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 666, image: "evil:latest" }) }, "unmerged pull request");
    git(repo.dir, ["update-ref", "refs/pull/1/head", pr]);
    git(repo.dir, ["checkout", "-q", "main"]);
    git(repo.dir, ["branch", "-q", "-D", "contributor"]);
    await defineWidgets({ name: NAME, kind: "Widget", repoURL: repo.url }, admin);
  });
  afterAll(async () => {
    await fx?.close();
    await store?.close();
  });

  it("refuses an operator's unmerged pull-request commit with a 403 naming the reason; nothing is applied or stored as the head", async () => {
    const first = await sync(operator);
    expect(first.phase, logOf(first)).toBe("Succeeded");
    expect(await replicas()).toBe(6);
    const runsBefore = (await listRuns(NAME)).items.length;

    const err = await refusal(sync(operator, pr));
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(403);
    expect((err as AppError).message).toMatch(new RegExp(`revision ${pr} refused: commit ${pr.slice(0, 12)} is not on branch main .*only an admin`, "i"));
    // the same through the rollback path (an operator's API rollback or the page's button)
    const viaRollback = await refusal(startRollback(NAME, { commit: pr }, operator));
    expect((viaRollback as AppError).status).toBe(403);

    expect((await listRuns(NAME)).items.length).toBe(runsBefore);
    expect(await replicas()).toBe(6);
    const row = (await findDefinition(NAME))!;
    expect(row.headCommit).toBe(main[5]);
    expect(row.syncedCommit).toBe(main[5]);
  }, 120_000);

  it("accepts a commit on main's history below the shallow store (deepening), keeping the branch head as the head", async () => {
    const old = await sync(operator, main[0]);
    expect(old.phase, logOf(old)).toBe("Succeeded");
    expect(old.resolvedCommit).toBe(main[0]);
    expect(await replicas()).toBe(1);
    const row = (await findDefinition(NAME))!;
    expect(row.syncedCommit).toBe(main[0]);
    expect(row.headCommit).toBe(main[5]);
    expect((await getDefinitionView(NAME)).status.appliedOffBranch).toBeNull();
    // back to the head for what follows
    expect((await sync(operator)).phase).toBe("Succeeded");
  }, 120_000);

  it("lets an admin apply the pull-request commit, never as the branch head, and says it is not on main", async () => {
    const run = await sync(admin, pr);
    expect(run.phase, logOf(run)).toBe("Succeeded");
    expect(logOf(run)).toMatch(/is not on branch main/);
    expect(await replicas()).toBe(666);
    const row = (await findDefinition(NAME))!;
    expect(row.syncedCommit).toBe(pr);
    expect(row.headCommit).toBe(main[5]);
    expect((await getDefinitionView(NAME)).status).toMatchObject({ headCommit: main[5], syncedCommit: pr, appliedOffBranch: "applied commit is not on main" });
    const summary = (await listDefinitionSummaries()).find((d) => d.name === NAME)!;
    expect(summary.appliedOffBranch).toBe("applied commit is not on main");
    expect(summary.headCommit).toBe(main[5]);
    expect(summary.status).not.toBe("Synced");
  }, 120_000);

  it("still rolls back to an applied commit (on main, and the admin-applied one) for an operator", async () => {
    const back = await (await startRollback(NAME, { commit: main[5]! }, operator)).done;
    expect(back.phase, logOf(back)).toBe("Succeeded");
    expect(await replicas()).toBe(6);
    expect((await getDefinitionView(NAME)).status.appliedOffBranch).toBeNull();
    // the pull-request commit was applied once (by an admin): a rollback to it is allowed
    const again = await (await startRollback(NAME, { commit: pr }, operator)).done;
    expect(again.phase, logOf(again)).toBe("Succeeded");
    expect((await findDefinition(NAME))!.headCommit).toBe(main[5]);
  }, 120_000);

  it("with spec.gitops.allowAnyRevision an operator may apply it, shown as off the branch", async () => {
    const body = definitionBody({ name: "gadgets.gates.io", group: "gates.io", kind: "Gadget", repoURL: repo.url, schema: widgetSchema });
    await addDefinition({ ...body, spec: { ...body.spec, gitops: { ...body.spec.gitops, allowAnyRevision: true } } }, admin);
    const run = await sync(operator, pr, "gadgets.gates.io");
    expect(run.phase, logOf(run)).toBe("Succeeded");
    expect((await getDefinitionView("gadgets.gates.io")).status.appliedOffBranch).toBe("applied commit is not on main");
    expect((await findDefinition("gadgets.gates.io"))!.headCommit).toBe(main[5]);
    // a typo in the opt-in is refused with the field named
    const bad = await refusal(
      addDefinition(
        {
          ...body,
          metadata: { name: "bad.gates.io" },
          spec: { ...body.spec, names: { kind: "Bad", plural: "bads" }, gitops: { ...body.spec.gitops, allowAnyRevision: "yes" } },
        },
        admin,
      ),
    );
    expect((bad as AppError).message).toMatch(/allowAnyRevision/);
  }, 120_000);

  it("the branch walk is bounded: past it the check says so instead of guessing", async () => {
    const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-"), deepenStep: 1, maxBranchWalk: 3 });
    const src = { repoURL: repo.url };
    expect((await client.fetchRevision(src, { branch: "main", revision: main[4], checkOnBranch: true })).onBranch).toBe(true);
    expect((await client.fetchRevision(src, { branch: "main", revision: pr, checkOnBranch: false })).commit).toBe(pr);
    const err = await refusal(client.fetchRevision(src, { branch: "main", revision: main[0], checkOnBranch: true }));
    expect(err).toBeInstanceOf(GitError);
    expect((err as GitError).code).toBe("LIMIT_EXCEEDED");
    expect((err as GitError).message).toMatch(/could not tell whether commit .* is on branch main .*3 newest commits/);
    const roomy = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-"), deepenStep: 1 });
    expect((await roomy.fetchRevision(src, { branch: "main", revision: pr, checkOnBranch: true })).onBranch).toBe(false);
    expect((await roomy.fetchRevision(src, { branch: "main", revision: main[0], checkOnBranch: true })).onBranch).toBe(true);
  }, 120_000);
});
