/**
 * The database holds the engine's status vocabularies (prisma/migrations/*_status_vocabulary):
 * a value outside them is refused on write, on PGlite and on PostgreSQL (TEST_DATABASE_URL),
 * and each CHECK constraint lists exactly the engine's array, so the two cannot drift apart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { getDb, getRawSql } from "@/lib/server/db";
import { createDefinition } from "./definitions";
import { createResourceRow } from "./resources";
import { CHANGE_ACTIONS, RUN_PHASES, RUN_TRIGGERS, STORED_SYNC_STATUSES } from "@/lib/engine/vocabulary";
import type { Definition } from "@/lib/engine/types";

const stores: { name: string; postgres: boolean }[] = [{ name: "PGlite", postgres: false }];
if (process.env.TEST_DATABASE_URL) stores.push({ name: "PostgreSQL", postgres: true });

const def: Definition = {
  metadata: { name: "vocab.example.io" },
  spec: {
    group: "example.io",
    version: "v1",
    names: { kind: "Vocab", plural: "vocabs" },
    scope: "Namespaced",
    schema: { type: "object" },
    syncPolicy: { automated: false, prune: false, selfHeal: false, atomic: false, allowEmpty: false },
  },
};

/** The quoted values of a CHECK (col IN (...)) as PostgreSQL prints it back. */
async function allowedBy(constraint: string): Promise<string[]> {
  const db = await getDb();
  const rows = await db.$queryRawUnsafe<{ def: string }[]>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = $1`, constraint);
  expect(rows, `constraint ${constraint} exists`).toHaveLength(1);
  return [...rows[0]!.def.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
}

describe.each(stores)("status vocabularies in the database on $name", ({ postgres }) => {
  let store: TestStore;
  let definitionId: string;
  beforeAll(async () => {
    store = await openTestStore({ postgres });
    definitionId = (await createDefinition(def)).id;
  });
  afterAll(async () => {
    await store?.close();
  });

  it.each([
    ["Resource_syncStatus_check", STORED_SYNC_STATUSES],
    ["SyncRun_phase_check", RUN_PHASES],
    ["SyncRun_trigger_check", RUN_TRIGGERS],
    ["SyncRunChange_action_check", CHANGE_ACTIONS],
  ] as const)("%s allows exactly the engine's list", async (constraint, vocabulary) => {
    expect((await allowedBy(constraint)).sort()).toEqual([...vocabulary].sort());
  });

  it("refuses a resource status outside the vocabulary, keeps one inside it", async () => {
    const db = await getDb();
    const row = await createResourceRow({ definitionId, kind: "Vocab", namespace: "ns", name: "a", labels: {}, annotations: {}, spec: {}, liveSpecHash: "h" });
    expect(row.syncStatus).toBe("Unknown");
    await expect(db.resource.update({ where: { id: row.id }, data: { syncStatus: "Missing" } })).rejects.toThrow(/Resource_syncStatus_check/);
    await expect(db.resource.update({ where: { id: row.id }, data: { syncStatus: "synced" } })).rejects.toThrow(/Resource_syncStatus_check/);
    // the raw bulk-write channel is held by the same constraint
    const raw = await getRawSql();
    await expect(raw.query(`UPDATE "Resource" SET "syncStatus" = 'Drifted' WHERE "id" = $1`, [row.id])).rejects.toThrow(/Resource_syncStatus_check/);
    const ok = await db.resource.update({ where: { id: row.id }, data: { syncStatus: "OutOfSync" } });
    expect(ok.syncStatus).toBe("OutOfSync");
  });

  it("refuses a run phase, a run trigger and a change action outside the vocabulary", async () => {
    const db = await getDb();
    await expect(db.syncRun.create({ data: { definitionId, trigger: "cron", initiator: "t" } })).rejects.toThrow(/SyncRun_trigger_check/);
    await expect(db.syncRun.create({ data: { definitionId, trigger: "api", initiator: "t", phase: "Paused" } })).rejects.toThrow(/SyncRun_phase_check/);
    const run = await db.syncRun.create({ data: { definitionId, trigger: "api", initiator: "t" } });
    expect(run.phase).toBe("Pending");
    await expect(db.syncRun.update({ where: { id: run.id }, data: { phase: "Cancelled" } })).rejects.toThrow(/SyncRun_phase_check/);
    await expect(db.syncRunChange.create({ data: { runId: run.id, kind: "Vocab", name: "a", action: "patch" } })).rejects.toThrow(/SyncRunChange_action_check/);
    const change = await db.syncRunChange.create({ data: { runId: run.id, kind: "Vocab", name: "a", action: "skipped" } });
    expect(change.action).toBe("skipped");
  });
});
