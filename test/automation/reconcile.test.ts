/**
 * Reconcile decisions against a real Git server and a real store (in process): automated
 * sync of a new commit, self-heal vs report-only drift, backoff of a failing commit, a new
 * commit proceeding at once, and no auto-sync for manual, pinned or suspended definitions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { definitionBody } from "@/test/automation/api-client";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { createUser } from "@/lib/server/services/users";
import { addDefinition } from "@/lib/server/services/definitions";
import { getResourceView, replaceResource } from "@/lib/server/services/resources";
import { listRuns } from "@/lib/server/services/runs";
import { findDefinition, setDefinitionPin } from "@/lib/server/data/definitions";
import { reconcile } from "@/lib/server/scheduler/reconcile";
import { schedulerConfig } from "@/lib/server/scheduler/config";
import { suspendDefinition, unsuspendDefinition } from "@/lib/server/services/suspend";
import { startSync } from "@/lib/server/services/sync";
import { installRunHooks } from "@/lib/server/scheduler/scheduler";
import type { Principal } from "@/lib/server/auth/principal";

const widget = (name: string, size: unknown) => JSON.stringify({ kind: "Widget", metadata: { name, namespace: "default" }, spec: { size } });

describe("reconcile", () => {
  let store: TestStore;
  let fx: GitFixture;
  let admin: Principal;
  const cfg = () => ({ ...schedulerConfig(), backoffBaseMs: 400, backoffMaxMs: 5_000 });

  async function define(name: string, repoURL: string, policy: Record<string, boolean>, kind = "Widget") {
    await addDefinition(definitionBody(name, kind, repoURL, { policy }), admin);
  }
  const row = async (name: string) => (await findDefinition(name))!;
  const runs = async (name: string) => (await listRuns(name)).items;

  beforeAll(async () => {
    store = await openTestStore();
    fx = await startGitFixture();
    const u = await createUser({ username: "admin", password: "correct horse", role: "admin" });
    admin = { via: "session", userId: u.id, username: "admin", role: "admin" };
    installRunHooks();
  });
  afterAll(async () => {
    await fx?.close();
    await store?.close();
  });

  it("automated: syncs a new commit, then only refreshes cheaply", async () => {
    const repo = fx.repo("auto");
    const c1 = commitFiles(repo.dir, { "a.json": widget("a", 1) }, "one");
    await define("auto.example.io", repo.url, { automated: true });
    const r1 = await reconcile(await row("auto.example.io"), "interval", cfg());
    expect(r1.sync).toMatchObject({ phase: "Succeeded" });
    expect((await row("auto.example.io")).syncedCommit).toBe(c1);
    expect((await runs("auto.example.io"))[0]?.trigger).toBe("auto");

    const r2 = await reconcile(await row("auto.example.io"), "interval", cfg());
    expect(r2.sync).toEqual({ skipped: "in sync" });
    // the first refresh after a sync re-plans once; from then on nothing changed → cheap
    const r3 = await reconcile(await row("auto.example.io"), "interval", cfg());
    expect(r3.refresh?.kind).toBe("cheap");
    expect(await runs("auto.example.io")).toHaveLength(1);

    const c2 = commitFiles(repo.dir, { "a.json": widget("a", 2) }, "two");
    const r4 = await reconcile(await row("auto.example.io"), "webhook", cfg());
    expect(r4.sync).toMatchObject({ phase: "Succeeded" });
    expect((await row("auto.example.io")).syncedCommit).toBe(c2);
    expect((await runs("auto.example.io"))[0]?.trigger).toBe("webhook");
    expect((await getResourceView({ kind: "Widget", namespace: "default", name: "a" })).spec).toEqual({ size: 2 });
  });

  it("selfHeal reverts drift; without selfHeal drift is only reported", async () => {
    const healRepo = fx.repo("heal");
    commitFiles(healRepo.dir, { "h.json": JSON.stringify({ kind: "Gadget", metadata: { name: "h", namespace: "default" }, spec: { size: 1 } }) }, "one");
    await define("heal.example.io", healRepo.url, { automated: true, selfHeal: true }, "Gadget");
    const reportRepo = fx.repo("report");
    commitFiles(reportRepo.dir, { "r.json": JSON.stringify({ kind: "Gizmo", metadata: { name: "r", namespace: "default" }, spec: { size: 1 } }) }, "one");
    await define("report.example.io", reportRepo.url, { automated: true, selfHeal: false }, "Gizmo");
    await reconcile(await row("heal.example.io"), "interval", cfg());
    await reconcile(await row("report.example.io"), "interval", cfg());

    await replaceResource({ kind: "Gadget", namespace: "default", name: "h" }, { metadata: { name: "h", namespace: "default" }, spec: { size: 99 } }, admin);
    await replaceResource({ kind: "Gizmo", namespace: "default", name: "r" }, { metadata: { name: "r", namespace: "default" }, spec: { size: 99 } }, admin);

    const heal = await reconcile(await row("heal.example.io"), "interval", cfg());
    expect(heal.refresh?.drifted).toBe(1);
    expect(heal.sync).toMatchObject({ phase: "Succeeded" });
    expect((await getResourceView({ kind: "Gadget", namespace: "default", name: "h" })).spec).toEqual({ size: 1 });

    const report = await reconcile(await row("report.example.io"), "interval", cfg());
    expect(report.refresh?.drifted).toBe(1);
    expect(report.refresh?.newlyDrifted).toBe(true);
    expect(report.sync).toEqual({ skipped: "in sync" });
    expect((await getResourceView({ kind: "Gizmo", namespace: "default", name: "r" })).spec).toEqual({ size: 99 });
    expect(((await row("report.example.io")).statusSummary as { drifted: number }).drifted).toBe(1);
    expect(await runs("report.example.io")).toHaveLength(1);
  });

  it("a failing commit backs off with growing gaps; the next good commit syncs at once", async () => {
    const repo = fx.repo("failing");
    commitFiles(repo.dir, { "f.json": JSON.stringify({ kind: "Doohickey", metadata: { name: "f", namespace: "default" }, spec: { size: 1 } }) }, "good");
    await define("failing.example.io", repo.url, { automated: true, atomic: true }, "Doohickey");
    await reconcile(await row("failing.example.io"), "interval", cfg());
    const bad = commitFiles(
      repo.dir,
      { "f.json": JSON.stringify({ kind: "Doohickey", metadata: { name: "f", namespace: "default" }, spec: { size: "big" } }) },
      "bad",
    );

    // hammer reconcile for ~3.5 s: without backoff this would start dozens of runs. On a loaded
    // machine one failing run can take a second, so keep going (at most 20 s) until 3 attempts ran.
    const started = Date.now();
    const outcomes: unknown[] = [];
    const attempts = () => outcomes.filter((o) => !/backing off/.test(String((o as { skipped?: string } | undefined)?.skipped))).length;
    while (Date.now() - started < 3_500 || (attempts() < 3 && Date.now() - started < 20_000)) {
      outcomes.push((await reconcile(await row("failing.example.io"), "retry", cfg())).sync);
      await new Promise((r) => setTimeout(r, 25));
    }
    const failed = (await runs("failing.example.io")).filter((r) => r.phase === "Failed").reverse();
    expect(failed.map((r) => r.commit)).toEqual(failed.map(() => bad));
    // 400 ms doubling: attempts at ~0, 0.4, 1.2, 2.8 s → 4 (5 with scheduling slack), never dozens
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(failed.length).toBeLessThanOrEqual(5);
    // the wait from one failure's end to the next attempt doubles: ~400, ~800, ~1600 ms
    const gaps = failed.slice(1).map((r, i) => new Date(r.createdAt).getTime() - new Date(failed[i]!.finishedAt!).getTime());
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(400 * 2 ** i - 25));
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]!);
    const r = await row("failing.example.io");
    expect(r.autoFailedCommit).toBe(bad);
    expect(r.autoFailures).toBe(failed.length);

    // between the attempts, retries of the bad commit were skipped as backing off (checked on
    // what the loop saw, not on one more call whose timing would race the last window's end) …
    const skipped = outcomes.filter((o) => /backing off/.test(String((o as { skipped?: string } | undefined)?.skipped)));
    // (how many depends on the machine's speed: each retry asks Git for the head first, so ~40
    // alone, 3 on a loaded 2-core machine; more attempts than runs is what shows the backoff)
    expect(skipped.length).toBeGreaterThanOrEqual(1);
    expect(skipped.length + failed.length).toBe(outcomes.length);
    // … but a new commit proceeds at once
    const good = commitFiles(
      repo.dir,
      { "f.json": JSON.stringify({ kind: "Doohickey", metadata: { name: "f", namespace: "default" }, spec: { size: 3 } }) },
      "fixed",
    );
    const ok = await reconcile(await row("failing.example.io"), "interval", cfg());
    expect(ok.sync).toMatchObject({ phase: "Succeeded" });
    const after = await row("failing.example.io");
    expect(after.syncedCommit).toBe(good);
    expect(after.autoFailedCommit).toBeNull();
    expect(after.autoFailures).toBe(0);
  });

  it("manual, pinned and suspended definitions are refreshed but never auto-synced", async () => {
    const repo = fx.repo("held");
    commitFiles(repo.dir, { "m.json": JSON.stringify({ kind: "Thing", metadata: { name: "m", namespace: "default" }, spec: { size: 1 } }) }, "one");
    await define("manual.example.io", repo.url, { automated: false }, "Thing");
    const m = await reconcile(await row("manual.example.io"), "interval", cfg());
    expect(m.sync).toEqual({ skipped: "manual sync policy" });
    expect(m.refresh?.kind).toBe("full");
    expect((await row("manual.example.io")).statusSummary).toMatchObject({ Missing: 1 });
    expect(await runs("manual.example.io")).toHaveLength(0);

    const repo2 = fx.repo("held2");
    const c1 = commitFiles(repo2.dir, { "p.json": JSON.stringify({ kind: "Other", metadata: { name: "p", namespace: "default" }, spec: { size: 1 } }) }, "one");
    await define("pinned.example.io", repo2.url, { automated: true }, "Other");
    await reconcile(await row("pinned.example.io"), "interval", cfg());
    await setDefinitionPin((await row("pinned.example.io")).id, { revision: c1, by: "admin" });
    commitFiles(repo2.dir, { "p.json": JSON.stringify({ kind: "Other", metadata: { name: "p", namespace: "default" }, spec: { size: 2 } }) }, "two");
    expect((await reconcile(await row("pinned.example.io"), "interval", cfg())).sync).toEqual({ skipped: `pinned to ${c1}` });
    await setDefinitionPin((await row("pinned.example.io")).id, null);

    await expect(suspendDefinition("pinned.example.io", { reason: "" }, admin)).rejects.toThrow(/reason/);
    await expect(suspendDefinition("pinned.example.io", { reason: "freeze", until: "2000-01-01T00:00:00Z" }, admin)).rejects.toThrow(/future/);
    const s = await suspendDefinition("pinned.example.io", { reason: "change freeze", until: new Date(Date.now() + 3600_000).toISOString() }, admin);
    expect(s).toMatchObject({ suspended: true, reason: "change freeze", by: "admin" });
    expect((await reconcile(await row("pinned.example.io"), "interval", cfg())).sync).toEqual({ skipped: "suspended" });
    expect(await runs("pinned.example.io")).toHaveLength(1);
    // a manual sync still works while suspended
    const { done } = await startSync({ definition: "pinned.example.io", trigger: "api", who: admin, dryRun: true });
    expect((await done).phase).toBe("Succeeded");
    await unsuspendDefinition("pinned.example.io", admin);
    await expect(unsuspendDefinition("pinned.example.io", admin)).rejects.toThrow(/not suspended/);
    expect((await reconcile(await row("pinned.example.io"), "interval", cfg())).sync).toMatchObject({ phase: "Succeeded" });
  });
});
