/**
 * Query functions for health (issue 14): the status subresource, stored health, its timers
 * (`Resource.healthDueAt`) and the transition history (last 50 per resource).
 */
import "server-only";
import crypto from "node:crypto";
import { getDb, getRawSql } from "@/lib/server/db";
import type { ResourceRow } from "@/lib/server/data/resources";

/** What a health evaluation reads from a row. */
export interface HealthRow {
  id: string;
  definitionId: string;
  kind: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generation: number;
  spec: unknown;
  status: Record<string, unknown> | null;
  observedGeneration: number | null;
  statusUpdatedAt: Date | null;
  specChangedAt: Date;
  health: string | null;
  healthMessage: string | null;
}

const HEALTH_COLUMNS = `"id", "definitionId", "kind", "namespace", "name", "labels", "annotations", "generation", "spec", "status",
  "observedGeneration", "statusUpdatedAt", "specChangedAt", "health", "healthMessage"`;

type RawHealthRow = Omit<HealthRow, "statusUpdatedAt" | "specChangedAt"> & { statusUpdatedAt: Date | string | null; specChangedAt: Date | string };

/** timestamp(3) without a zone holds UTC: read it as such whatever the driver makes of it */
function utc(v: Date | string): Date {
  if (v instanceof Date) return v;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(" ", "T")}Z`);
}

function toHealthRow(r: RawHealthRow): HealthRow {
  return {
    ...r,
    statusUpdatedAt: r.statusUpdatedAt === null ? null : utc(r.statusUpdatedAt),
    specChangedAt: utc(r.specChangedAt),
  };
}

export async function findHealthRow(key: { kind: string; namespace: string; name: string }): Promise<HealthRow | null> {
  const rows = await (
    await getRawSql()
  ).query<RawHealthRow>(`SELECT ${HEALTH_COLUMNS} FROM "Resource" WHERE "kind" = $1 AND "namespace" = $2 AND "name" = $3`, [key.kind, key.namespace, key.name]);
  return rows[0] ? toHealthRow(rows[0]) : null;
}

/** A status write's target: the health row and what the health of its definition depends on. */
export interface StatusTarget {
  row: HealthRow;
  definition: { name: string; generation: number; suspendedReason: string | null; suspendedUntil: Date | null };
}

/**
 * The row a status write changes, with its definition's generation (the compiled rules are cached
 * by it) and suspension, in one statement.
 */
export async function findStatusTarget(key: { kind: string; namespace: string; name: string }): Promise<StatusTarget | null> {
  const cols = HEALTH_COLUMNS.split(",")
    .map((c) => `r.${c.trim()}`)
    .join(", ");
  const [r] = await (
    await getRawSql()
  ).prepared<RawHealthRow & { dName: string; dGeneration: number; dSuspendedReason: string | null; dSuspendedUntil: Date | string | null }>(
    "status-target",
    `SELECT ${cols}, d."name" AS "dName", d."generation" AS "dGeneration", d."suspendedReason" AS "dSuspendedReason",
       d."suspendedUntil" AS "dSuspendedUntil"
     FROM "Resource" r JOIN "ResourceDefinition" d ON d."id" = r."definitionId"
     WHERE r."kind" = $1 AND r."namespace" = $2 AND r."name" = $3`,
    [key.kind, key.namespace, key.name],
  );
  if (!r) return null;
  const { dName, dGeneration, dSuspendedReason, dSuspendedUntil, ...row } = r;
  return {
    row: toHealthRow(row),
    definition: {
      name: dName,
      generation: Number(dGeneration),
      suspendedReason: dSuspendedReason,
      suspendedUntil: dSuspendedUntil === null ? null : utc(dSuspendedUntil),
    },
  };
}

/** Rows whose health timer is due (spec changed, deadline or stale timer), oldest first. */
export async function findDueHealthRows(limit: number): Promise<HealthRow[]> {
  const rows = await (
    await getRawSql()
  ).query<RawHealthRow>(`SELECT ${HEALTH_COLUMNS} FROM "Resource" WHERE "healthDueAt" <= (now() AT TIME ZONE 'UTC') ORDER BY "healthDueAt" LIMIT $1`, [limit]);
  return rows.map(toHealthRow);
}

/** whether any row's health is due (an index read; the sweeper takes its lease only then) */
export async function anyHealthDue(): Promise<boolean> {
  const rows = await (await getRawSql()).query<{ one: number }>(`SELECT 1 AS "one" FROM "Resource" WHERE "healthDueAt" <= (now() AT TIME ZONE 'UTC') LIMIT 1`);
  return rows.length > 0;
}

export async function findDefinitionHealthRows(definitionId: string): Promise<HealthRow[]> {
  const rows = await (await getRawSql()).query<RawHealthRow>(`SELECT ${HEALTH_COLUMNS} FROM "Resource" WHERE "definitionId" = $1`, [definitionId]);
  return rows.map(toHealthRow);
}

export interface HealthWrite {
  id: string;
  health: string | null;
  message: string | null;
  dueAt: Date | null;
  /** health differs from the stored one: stamp lastTransitionTime and record a transition */
  transition: { from: string | null } | null;
  /** set with a status write */
  status?: { value: Record<string, unknown>; observedGeneration: number | null };
}

/** Keeps this many transitions per resource. */
export const MAX_TRANSITIONS = 50;

/**
 * Stores computed health (and, for a status write, the status) in one statement per row; a
 * transition is recorded and the history trimmed to the last 50.
 */
export async function storeHealth(w: HealthWrite): Promise<void> {
  const due = w.dueAt ? w.dueAt.toISOString() : null;
  // one transaction: a process killed between the row and its transition left health changed with
  // no transition recorded (test/automation/health-replicas.test.ts kills a replica at that moment)
  await (
    await getRawSql()
  ).transaction(async (query) => {
    if (w.status) {
      await query(
        `UPDATE "Resource" SET "status" = $2::jsonb, "observedGeneration" = $3, "statusUpdatedAt" = (now() AT TIME ZONE 'UTC'),
           "health" = $4, "healthMessage" = $5, "healthDueAt" = $6::timestamp,
           "healthTransitionTime" = CASE WHEN $7 THEN (now() AT TIME ZONE 'UTC') ELSE "healthTransitionTime" END WHERE "id" = $1`,
        [w.id, JSON.stringify(w.status.value), w.status.observedGeneration, w.health, w.message, due, w.transition !== null],
      );
    } else {
      await query(
        `UPDATE "Resource" SET "health" = $2, "healthMessage" = $3, "healthDueAt" = $4::timestamp,
           "healthTransitionTime" = CASE WHEN $5 THEN (now() AT TIME ZONE 'UTC') ELSE "healthTransitionTime" END WHERE "id" = $1`,
        [w.id, w.health, w.message, due, w.transition !== null],
      );
    }
    if (w.transition && w.health) {
      await query(`INSERT INTO "ResourceHealthTransition" ("id", "resourceId", "from", "to", "message") VALUES ($1, $2, $3, $4, $5)`, [
        crypto.randomUUID(),
        w.id,
        w.transition.from,
        w.health,
        w.message ?? "",
      ]);
      await query(
        `DELETE FROM "ResourceHealthTransition" WHERE "resourceId" = $1 AND "id" NOT IN
           (SELECT "id" FROM "ResourceHealthTransition" WHERE "resourceId" = $1 ORDER BY "at" DESC, "id" DESC LIMIT ${MAX_TRANSITIONS})`,
        [w.id],
      );
    }
  });
}

/** Every resource of the definition is looked at again at the next sweep (rules changed, suspended, resumed). */
export async function markDefinitionHealthDue(definitionId: string): Promise<void> {
  await (await getRawSql()).query(`UPDATE "Resource" SET "healthDueAt" = (now() AT TIME ZONE 'UTC') WHERE "definitionId" = $1`, [definitionId]);
}

/** How many of a definition's resources are stored Degraded (syncPolicy.requireHealthy, issue 14). */
export async function countDegradedResources(definitionId: string): Promise<number> {
  const [r] = await (
    await getRawSql()
  ).query<{ n: number | string }>(`SELECT count(*)::int AS "n" FROM "Resource" WHERE "definitionId" = $1 AND "health" = 'Degraded'`, [definitionId]);
  return Number(r?.n ?? 0);
}

export interface HealthTransitionRow {
  from: string | null;
  to: string;
  message: string;
  at: Date;
}

export async function getHealthTransitions(resourceId: string): Promise<HealthTransitionRow[]> {
  return (await getDb()).resourceHealthTransition.findMany({
    where: { resourceId },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: MAX_TRANSITIONS,
    select: { from: true, to: true, message: true, at: true },
  });
}

/** Resources per (definition, health), for metrics and the definition's aggregate. */
/** `ids`: only these definitions; default all. */
export async function countHealthByDefinition(ids?: string[]): Promise<{ definitionId: string; definition: string; health: string | null; n: number }[]> {
  const rows = await (
    await getRawSql()
  ).query<{ definitionId: string; definition: string; health: string | null; n: number | string }>(
    `SELECT r."definitionId", d."name" AS "definition", r."health", count(*)::int AS "n"
     FROM "Resource" r JOIN "ResourceDefinition" d ON d."id" = r."definitionId"
     ${ids ? `WHERE r."definitionId" = ANY($1::text[])` : ""}
     GROUP BY r."definitionId", d."name", r."health"`,
    ids ? [ids] : [],
  );
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

/** What a definition's health aggregate needs: its Missing count, whether it has rules, its suspension. */
export async function getDefinitionHealthHeads(
  ids?: string[],
): Promise<{ id: string; name: string; statusSummary: unknown; hasRules: boolean; suspendedReason: string | null; suspendedUntil: Date | null }[]> {
  const rows = await (
    await getDb()
  ).resourceDefinition.findMany({
    ...(ids ? { where: { id: { in: ids } } } : {}),
    select: { id: true, name: true, statusSummary: true, health: true, suspendedReason: true, suspendedUntil: true },
  });
  return rows.map(({ health, ...r }) => ({ ...r, hasRules: health !== null }));
}

const ROW_DATES = ["lastSyncTime", "createdAt", "updatedAt", "statusUpdatedAt", "specChangedAt", "healthTransitionTime", "healthDueAt"] as const;

/**
 * A resource row with its definition's name and secret paths as one JSON text: the answer of a
 * status write is built from it (two Prisma reads cost ~60 ms under load). Timestamps come back
 * as JSON text (UTC without a zone) and the gitSync stamps are applied as data/resources.ts does.
 */
export interface ResourceViewRow {
  row: ResourceRow;
  definition: string;
  secretPaths: string[];
}

/** One JSON text: the row, its definition's name and secret paths, and the gitSync stamps. */
const VIEW_JSON = `json_build_object('r', row_to_json(r), 'name', d."name", 'secretPaths', d."secretPaths",
       'syncedCommit', d."syncedCommit", 'lastSyncTime', d."lastSyncTime")::text`;

function viewRowFromJson(text: string): ResourceViewRow {
  const j = JSON.parse(text) as { r: Record<string, unknown>; name: string; secretPaths: unknown; syncedCommit: string | null; lastSyncTime: string | null };
  const r = j.r;
  for (const k of ROW_DATES) if (typeof r[k] === "string") r[k] = utc(r[k] as string);
  if (r.followsDefinition) {
    r.lastCommitSHA = j.syncedCommit;
    r.lastSyncTime = j.lastSyncTime ? utc(j.lastSyncTime) : null;
  }
  return { row: r as unknown as ResourceRow, definition: j.name, secretPaths: Array.isArray(j.secretPaths) ? (j.secretPaths as string[]) : [] };
}

/**
 * A status write in one statement: the status and health, a transition (with the history trimmed
 * to the last 50) when health changed, and the written row for the answer (as findResourceForView).
 */
export async function storeStatusWrite(w: HealthWrite & { status: NonNullable<HealthWrite["status"]> }): Promise<ResourceViewRow | null> {
  const due = w.dueAt ? w.dueAt.toISOString() : null;
  const transition = w.transition !== null && w.health !== null;
  const [hit] = await (
    await getRawSql()
  ).prepared<{ j: string }>(
    "status-write",
    `WITH u AS (
       UPDATE "Resource" SET "status" = $2::jsonb, "observedGeneration" = $3, "statusUpdatedAt" = (now() AT TIME ZONE 'UTC'),
         "health" = $4, "healthMessage" = $5, "healthDueAt" = $6::timestamp,
         "healthTransitionTime" = CASE WHEN $7::boolean THEN (now() AT TIME ZONE 'UTC') ELSE "healthTransitionTime" END
       WHERE "id" = $1 RETURNING *
     ), t AS (
       INSERT INTO "ResourceHealthTransition" ("id", "resourceId", "from", "to", "message")
       SELECT $8, u."id", $9, $4, $10 FROM u WHERE $11::boolean
     ), trimmed AS (
       -- this statement does not see its own insert: keep the newest ${MAX_TRANSITIONS - 1} besides it
       DELETE FROM "ResourceHealthTransition" WHERE $11::boolean AND "resourceId" = $1 AND "id" NOT IN
         (SELECT "id" FROM "ResourceHealthTransition" WHERE "resourceId" = $1 ORDER BY "at" DESC, "id" DESC LIMIT ${MAX_TRANSITIONS - 1})
     )
     SELECT ${VIEW_JSON.replace("row_to_json(r)", "row_to_json(u)")} AS "j" FROM u JOIN "ResourceDefinition" d ON d."id" = u."definitionId"`,
    [
      w.id,
      JSON.stringify(w.status.value),
      w.status.observedGeneration,
      w.health,
      w.message,
      due,
      w.transition !== null,
      crypto.randomUUID(),
      w.transition?.from ?? null,
      w.message ?? "",
      transition,
    ],
  );
  return hit ? viewRowFromJson(hit.j) : null;
}
