/**
 * Health (issue 14) on PostgreSQL: the status subresource (who may write, reserved fields, merge
 * patch), drift never moved by status, health recomputed on writes and by the sweeper from
 * stored due times (a fresh process and another replica's lease), transitions kept (last 50),
 * the definition aggregate, the ?health= filter, notifications and the metrics gauge.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { testDatabaseUrl } from "./pg-url";
import { createUser } from "@/lib/server/services/users";
import { addDefinition, replaceDefinition } from "@/lib/server/services/definitions";
import { createResource, getResourceView, listResources, replaceResource } from "@/lib/server/services/resources";
import {
  definitionHealthSummary,
  forgetHealthRulesForTests,
  resourceHealthTransitions,
  sweepDueHealth,
  writeStatus,
} from "@/lib/server/services/resource-health";
import { sweepHealthTimers, HEALTH_LEASE_KEY } from "@/lib/server/scheduler/health-timers";
import { releaseLease, tryAcquireLease } from "@/lib/server/data/leases";
import { getRawSql } from "@/lib/server/db";
import { countResources } from "@/lib/server/data/resources";
import { addChannel } from "@/lib/server/services/notifications";
import { subscribeHealthNotifications } from "@/lib/server/notifications/notify";
import { deliverDueNotifications } from "@/lib/server/notifications/deliver";
import { getMetrics } from "@/lib/server/metrics/registry";
import type { Principal } from "@/lib/server/auth/principal";
import { AppError } from "@/lib/server/errors";

const KIND = "App";
const rules = {
  inProgress: "self.status.?readyReplicas.orValue(0) < self.spec.replicas && !self.status.?failed.orValue(false)",
  failed: "self.status.?failed.orValue(false)",
  current: "self.status.?readyReplicas.orValue(0) == self.spec.replicas",
  progressDeadlineSeconds: 2,
};
const def = (health: unknown = rules) => ({
  metadata: { name: "apps.example.io" },
  spec: { group: "example.io", version: "v1", names: { kind: KIND, plural: "apps" }, scope: "Namespaced", ...(health ? { health } : {}) },
});
const key = (name: string) => ({ kind: KIND, namespace: "prod", name });

describe("health on PostgreSQL", () => {
  let store: TestStore;
  let admin: Principal;
  const viewer: Principal = { via: "token", userId: "u-viewer", username: "viewer", role: "viewer", tokenId: "t1" };
  const executor: Principal = { via: "token", userId: "u-exec", username: "handler", role: "executor", tokenId: "t2" };
  const operator: Principal = { via: "session", userId: "u-op", username: "op", role: "operator" };
  let receiver: http.Server;
  const got: Record<string, unknown>[] = [];

  const status = async (name: string, s: Record<string, unknown>, who = executor, mode: "replace" | "merge" = "replace") =>
    writeStatus(key(name), { status: s }, mode, who);
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return "ok";
    } catch (err) {
      return err instanceof AppError ? `${err.status} ${err.message}` : String(err);
    }
  };

  beforeAll(async () => {
    testDatabaseUrl();
    store = await openTestStore({ postgres: true });
    const u = await createUser({ username: "admin", password: "correct horse", role: "admin" });
    admin = { via: "session", userId: u.id, username: "admin", role: "admin" };
    receiver = http.createServer((req, res) => {
      let data = "";
      req.on("data", (d) => (data += d));
      req.on("end", () => {
        got.push(JSON.parse(data) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    await addChannel({ name: "health", url: `${base}/hook`, events: ["health.degraded", "health.recovered"] }, admin);
    subscribeHealthNotifications();
    await addDefinition(def(), admin);
    for (const name of ["web", "api", "db"]) {
      await createResource({ kind: KIND, metadata: { name, namespace: "prod" }, spec: { replicas: 3 } }, admin);
    }
  });
  afterAll(async () => {
    await new Promise((r) => receiver?.close(r));
    await store?.close();
  });

  it("a new resource is due at once and the sweeper assesses it; nothing waits once a rule decides", async () => {
    expect(await sweepDueHealth()).toBe(3);
    const v = await getResourceView(key("web"));
    expect(v.status.health).toMatchObject({ status: "Progressing", message: "spec.health.inProgress is true" });
    const [row] = await (await getRawSql()).query<{ healthDueAt: Date | null }>(`SELECT "healthDueAt" FROM "Resource" WHERE "name" = 'web'`);
    expect(row!.healthDueAt).toBeNull();
  });

  it("status writes: viewer 403, executor and operator ok, reserved fields 400, bad shapes 400", async () => {
    expect(await code(status("web", { readyReplicas: 1 }, viewer))).toMatch(/^403 .*executor token or the operator role/);
    expect(await code(status("web", { readyReplicas: 1 }, executor))).toBe("ok");
    expect(await code(status("web", { readyReplicas: 1 }, operator))).toBe("ok");
    expect(await code(status("web", { gitSync: {} }))).toMatch(/^400 status\.gitSync is reserved/);
    expect(await code(status("web", { health: { status: "Healthy" } }))).toMatch(/^400 status\.health is reserved/);
    expect(await code(writeStatus(key("web"), { status: {}, spec: {} }, "replace", executor))).toMatch(/^400 unknown field: spec/);
    expect(await code(writeStatus(key("web"), { status: [] }, "replace", executor))).toMatch(/^400 /);
    expect(await code(status("web", { observedGeneration: "one" }))).toMatch(/^400 status\.observedGeneration/);
    expect(await code(status("nope", {}))).toMatch(/^404 /);
  });

  it("PUT replaces, PATCH merges (RFC 7396); observedGeneration is kept; health follows each write", async () => {
    let v = await status("web", { readyReplicas: 2, observedGeneration: 1, phase: "rolling" });
    expect(v.status).toMatchObject({ readyReplicas: 2, observedGeneration: 1, phase: "rolling", health: { status: "Progressing" } });
    v = await status("web", { readyReplicas: 3, phase: null }, executor, "merge");
    expect(v.status.phase).toBeUndefined();
    expect(v.status).toMatchObject({ readyReplicas: 3, observedGeneration: 1, health: { status: "Healthy", message: "spec.health.current is true" } });
    expect(v.status.health?.lastTransitionTime).toBeTruthy();
    v = await status("web", { readyReplicas: 3 });
    expect(v.status.observedGeneration).toBeUndefined();
    expect(v.status.health?.status).toBe("Healthy");
  });

  it("a status write is never drift and never touches spec, generation or the sync status", async () => {
    const sql = await getRawSql();
    // as a sync leaves it: applied = live, Synced
    await sql.query(`UPDATE "Resource" SET "appliedSpecHash" = "liveSpecHash", "syncStatus" = 'Synced' WHERE "name" = 'api'`);
    const before = (
      await sql.query<Record<string, unknown>>(`SELECT "spec", "liveSpecHash", "generation", "syncStatus", "updatedAt" FROM "Resource" WHERE "name" = 'api'`)
    )[0]!;
    for (let i = 0; i < 5; i++) await status("api", { readyReplicas: i, note: `write ${i}` });
    const after = (
      await sql.query<Record<string, unknown>>(`SELECT "spec", "liveSpecHash", "generation", "syncStatus", "updatedAt" FROM "Resource" WHERE "name" = 'api'`)
    )[0]!;
    expect(after).toEqual(before);
    const v = await getResourceView(key("api"));
    expect(v.status.drifted).toBe(false);
    expect(v.status.syncStatus).toBe("Synced");
    expect(await countResources({ drifted: true })).toBe(0);
  });

  it("a failed executor makes Degraded; a notification goes out, and another when it recovers", async () => {
    got.length = 0;
    await status("db", { failed: true });
    // deliveries go out in parallel: one at a time, so the order is the order of the changes
    await deliverWithin(1);
    await status("db", { readyReplicas: 3 });
    await deliverWithin(2);
    expect(got.map((g) => g.event)).toEqual(["health.degraded", "health.recovered"]);
    expect(got[0]).toMatchObject({ definition: "apps.example.io", resource: "App prod/db", to: "Degraded" });
  });

  it("transitions are kept per resource, newest first, the last 50", async () => {
    for (let i = 0; i < 30; i++) {
      await status("db", { failed: true });
      await status("db", { readyReplicas: 3 });
    }
    const t = await resourceHealthTransitions(key("db"));
    expect(t).toHaveLength(50);
    expect(t[0]).toMatchObject({ from: "Degraded", to: "Healthy" });
  });

  it("the progress deadline is a stored due time: a fresh process sweeps it, and only the replica holding the lease does", async () => {
    // api: readyReplicas 4 of 3 matches no rule → Progressing until the deadline (2 s after the spec change)
    await replaceResource(key("api"), { metadata: { name: "api", namespace: "prod" }, spec: { replicas: 3, image: "v2" } }, admin);
    await status("api", { readyReplicas: 4 });
    expect((await getResourceView(key("api"))).status.health?.status).toBe("Progressing");
    await new Promise((r) => setTimeout(r, 2_200));
    // as after a restart: nothing of it in memory (the compiled rules are read again); the due time is in the row
    forgetHealthRulesForTests();
    // another replica holds the sweeper's lease: this one does nothing
    expect(await tryAcquireLease(HEALTH_LEASE_KEY, "other-replica", 30_000)).toBe(true);
    await sweepHealthTimers(30_000);
    expect((await getResourceView(key("api"))).status.health?.status).toBe("Progressing");
    await releaseLease(HEALTH_LEASE_KEY, "other-replica");
    await sweepHealthTimers(30_000);
    expect((await getResourceView(key("api"))).status.health).toMatchObject({ status: "Degraded", message: "no rule matched within the deadline" });
  });

  it("the definition's health is the worst of its resources; ?health= filters; the gauge counts by health", async () => {
    const summary = await definitionHealthSummary();
    expect(summary.get("apps.example.io")).toMatchObject({ health: "Degraded", counts: { Degraded: 1, Healthy: 2 } });
    const page = await listResources({ health: "Degraded" });
    expect(page.items.map((r) => r.metadata.name)).toEqual(["api"]);
    expect((await listResources({ health: "Healthy,Degraded" })).items).toHaveLength(3);
    expect(await code(listResources({ health: "Fine" }))).toMatch(/^400 health: "Fine" is not one of/);
    const text = await getMetrics().registry.metrics();
    expect(text).toContain('syncline_resources_health{definition="apps.example.io",health="Degraded"} 1');
    expect(text).toContain('syncline_resources_health{definition="apps.example.io",health="Healthy"} 2');
  });

  it("a spec change makes health due again (every write path, by the store's trigger); rules removed: not assessed", async () => {
    await status("web", { readyReplicas: 3 });
    await replaceResource(key("web"), { metadata: { name: "web", namespace: "prod" }, spec: { replicas: 5 } }, admin);
    expect(await sweepDueHealth()).toBeGreaterThanOrEqual(1);
    expect((await getResourceView(key("web"))).status.health?.status).toBe("Progressing");
    await replaceDefinition("apps.example.io", def(null), admin);
    await sweepDueHealth();
    const v = await getResourceView(key("web"));
    expect(v.status.health).toBeNull();
    expect((await listResources({ health: "None" })).items).toHaveLength(3);
  });

  async function deliverWithin(n: number) {
    const deadline = Date.now() + 5_000;
    while (got.length < n && Date.now() < deadline) {
      await deliverDueNotifications();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});
