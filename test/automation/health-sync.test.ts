/**
 * Health and syncs (issue 14) on PostgreSQL with a real Git server: `waitForHealthy` keeps the run
 * open (Running, one run per definition) until the applied resources are Healthy and records the
 * outcome, a failed wait fails the run; `syncPolicy.requireHealthy` holds an automated sync of a
 * new commit while the definition is Degraded; a suspended definition's resources are Suspended.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { definitionBody } from "@/test/support/definition-body";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { testDatabaseUrl } from "./pg-url";
import { createUser } from "@/lib/server/services/users";
import { addDefinition } from "@/lib/server/services/definitions";
import { listResources } from "@/lib/server/services/resources";
import { definitionHealthSummary, sweepDueHealth, writeStatus } from "@/lib/server/services/resource-health";
import { startSync } from "@/lib/server/services/sync";
import { getRunWithChanges } from "@/lib/server/services/runs";
import { findActiveRun, findRun } from "@/lib/server/data/runs";
import { findDefinition, rowToDefinition } from "@/lib/server/data/definitions";
import { reconcile } from "@/lib/server/scheduler/reconcile";
import { schedulerConfig } from "@/lib/server/scheduler/config";
import { suspendDefinition, unsuspendDefinition } from "@/lib/server/services/suspend";
import { definitionInputSchema } from "@/lib/engine/definition-input";
import type { Principal } from "@/lib/server/auth/principal";
import { AppError } from "@/lib/server/errors";

const NAME = "apps.example.io";
const app = (name: string, replicas: number) => JSON.stringify({ kind: "App", metadata: { name, namespace: "prod" }, spec: { replicas } });
const rules = {
  failed: "self.status.?failed.orValue(false)",
  inProgress: "self.status.?readyReplicas.orValue(0) < self.spec.replicas",
  current: "self.status.?readyReplicas.orValue(0) == self.spec.replicas",
  progressDeadlineSeconds: 600,
};
const key = (name: string) => ({ kind: "App", namespace: "prod", name });
const executor: Principal = { via: "token", userId: "u-exec", username: "handler", role: "executor", tokenId: "t2" };

async function until(what: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("health and syncs on PostgreSQL", () => {
  let store: TestStore;
  let fx: GitFixture;
  let repo: { dir: string; url: string };
  let admin: Principal;
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return "ok";
    } catch (err) {
      return err instanceof AppError ? `${err.status} ${err.message}` : String(err);
    }
  };
  const ready = (name: string, n: number) => writeStatus(key(name), { status: { readyReplicas: n } }, "replace", executor);

  beforeAll(async () => {
    testDatabaseUrl();
    store = await openTestStore({ postgres: true });
    fx = await startGitFixture();
    repo = fx.repo("apps");
    commitFiles(repo.dir, { "resources/web.json": app("web", 2), "resources/api.json": app("api", 1) }, "one");
    const u = await createUser({ username: "admin", password: "correct horse", role: "admin" });
    admin = { via: "session", userId: u.id, username: "admin", role: "admin" };
    const body = definitionBody({ name: NAME, kind: "App", repoURL: repo.url });
    // the spelling: automated as an object with requireHealthy
    await addDefinition({ ...body, spec: { ...body.spec, health: rules, syncPolicy: { automated: { requireHealthy: true } } } }, admin);
    await addDefinition(definitionBody({ name: "plain.example.io", kind: "Plain", repoURL: repo.url }), admin);
  });
  afterAll(async () => {
    await fx?.close();
    await store?.close();
  });

  it("syncPolicy: automated {requireHealthy} is stored as automated + requireHealthy; the boolean forms stay valid", async () => {
    expect(rowToDefinition((await findDefinition(NAME))!).spec.syncPolicy).toMatchObject({ automated: true, requireHealthy: true });
    const spec = { group: "example.io", version: "v1", names: { kind: "X", plural: "xs" }, scope: "Namespaced" };
    const parse = (syncPolicy: unknown) => definitionInputSchema.safeParse({ metadata: { name: "xs.example.io" }, spec: { ...spec, syncPolicy } });
    expect(parse({ automated: true, requireHealthy: true }).data?.spec.syncPolicy).toMatchObject({ automated: true, requireHealthy: true });
    expect(parse({ automated: true }).data?.spec.syncPolicy.requireHealthy).toBeUndefined();
    expect(parse({ automated: { requireHealthy: true, bogus: 1 } }).success).toBe(false);
  });

  it("waitForHealthy is refused with dryRun and for a definition without health rules (400, no run)", async () => {
    expect(await code(startSync({ definition: NAME, trigger: "api", who: admin, dryRun: true, waitForHealthy: true }))).toMatch(/^400 .*dryRun/);
    expect(await code(startSync({ definition: "plain.example.io", trigger: "api", who: admin, waitForHealthy: true }))).toMatch(/^400 .*no spec\.health rules/);
  });

  it("waitForHealthy: the run stays Running (one run per definition) after applying until the executor reports Healthy", async () => {
    const { run, done } = await startSync({ definition: NAME, trigger: "api", who: admin, waitForHealthy: true, healthTimeoutSeconds: 30 });
    // applied (the resources exist) but the run is still active
    await until(async () => (await listResources({ kind: "App" })).items.length === 2);
    await until(async () => ((await findRun(run.id))!.log as string[]).some((l) => l.includes("waiting for health")));
    const open = (await findRun(run.id))!;
    expect(open.phase).toBe("Running");
    expect(open.activeKey).not.toBeNull();
    expect((await findActiveRun(open.definitionId))?.id).toBe(run.id);
    expect(await code(startSync({ definition: NAME, trigger: "api", who: admin }))).toMatch(/^409 /);

    await ready("web", 2);
    expect((await findRun(run.id))!.phase).toBe("Running"); // api is not Healthy yet
    await ready("api", 1);
    const final = await done;
    expect(final.phase).toBe("Succeeded");
    expect(final.activeKey).toBeNull();
    const view = await getRunWithChanges(run.id);
    expect(view.health).toMatchObject({ outcome: "Healthy", resources: [] });
    expect(view.log.join("\n")).toMatch(/all applied resources are Healthy/);
  });

  it("a wait that ends Degraded (or still Progressing: Timeout) fails the run and names the resources", async () => {
    commitFiles(repo.dir, { "resources/web.json": app("web", 3) }, "two");
    await writeStatus(key("web"), { status: { readyReplicas: 3, failed: true } }, "replace", executor);
    const degraded = await (await startSync({ definition: NAME, trigger: "api", who: admin, waitForHealthy: true, healthTimeoutSeconds: 1 })).done;
    expect(degraded.phase).toBe("Failed");
    expect(degraded.error).toMatch(/health wait ended Degraded/);
    const v1 = await getRunWithChanges(degraded.id);
    // only what the run applied is waited for: api did not change
    expect(v1.health).toMatchObject({ outcome: "Degraded", resources: ["App prod/web"] });

    commitFiles(repo.dir, { "resources/api.json": app("api", 5) }, "three");
    const timeout = await (await startSync({ definition: NAME, trigger: "api", who: admin, waitForHealthy: true, healthTimeoutSeconds: 1 })).done;
    expect(timeout.phase).toBe("Failed");
    expect((await getRunWithChanges(timeout.id)).health).toMatchObject({ outcome: "Timeout", resources: ["App prod/api"] });
  });

  it("requireHealthy: an automated sync of a new commit waits while the definition is Degraded, then proceeds", async () => {
    await sweepDueHealth();
    expect((await definitionHealthSummary()).get(NAME)?.health).toBe("Degraded");
    const c4 = commitFiles(repo.dir, { "resources/api.json": app("api", 6) }, "four");
    const cfg = schedulerConfig();
    const held = await reconcile((await findDefinition(NAME))!, "interval", cfg);
    expect(held.sync).toEqual({ skipped: "waiting for health: 1 resource(s) Degraded (syncPolicy.requireHealthy)" });
    expect((await findDefinition(NAME))!.syncedCommit).not.toBe(c4);

    await ready("web", 3); // recovered
    const synced = await reconcile((await findDefinition(NAME))!, "interval", cfg);
    expect(synced.sync).toMatchObject({ phase: "Succeeded" });
    expect((await findDefinition(NAME))!.syncedCommit).toBe(c4);
  });

  it("a suspended definition's resources are Suspended (?health=Suspended), and assessed again on resume", async () => {
    await suspendDefinition(NAME, { reason: "maintenance" }, admin);
    await sweepDueHealth();
    expect((await listResources({ health: "Suspended" })).items.map((r) => r.metadata.name).sort()).toEqual(["api", "web"]);
    expect((await definitionHealthSummary()).get(NAME)?.health).toBe("Suspended");
    await unsuspendDefinition(NAME, admin);
    await sweepDueHealth();
    expect((await listResources({ health: "Suspended" })).items).toHaveLength(0);
    expect((await listResources({ health: "Healthy" })).items.map((r) => r.metadata.name)).toEqual(["web"]);
  });
});
