/**
 * Query functions for SyncRun / SyncRunChange, and the one transaction that applies a run:
 * resource writes, change records, the run's final phase and the definition's synced
 * commit commit together — all or nothing.
 */
import "server-only";
import crypto from "node:crypto";
import { Prisma, type SyncRun, type SyncRunChange } from "@prisma/client";
import { getDb, getRawSql, type RawQuery } from "@/lib/server/db";
import { STAMP_SQL } from "@/lib/server/data/resources";
import { yieldToEventLoop } from "@/lib/engine/time-slice";
import type { ChangeAction, FieldChange, FileProblem, ResourceKey, RunPhase, RunTrigger } from "@/lib/engine/types";
import type { ResourceWrite, ResourceWrites } from "@/lib/engine/writes";

export type RunRow = SyncRun;
export type RunChangeRow = SyncRunChange;

export interface NewRun {
  definitionId: string;
  trigger: RunTrigger;
  initiator: string;
  initiatorId?: string | null;
  initiatorTokenId?: string | null;
  dryRun: boolean;
  prune: boolean;
  requestedRevision: string | null;
  owner: string;
  /** the approval request this run applies (issue 15) */
  approvalRequestId?: string | null;
}

/** Inserts a Running run. activeKey is unique, so a second active run per definition fails with P2002. */
export async function insertActiveRun(r: NewRun): Promise<RunRow> {
  const now = new Date();
  return (await getDb()).syncRun.create({
    data: { ...r, phase: "Running", activeKey: r.definitionId, startedAt: now, heartbeatAt: now },
  });
}

export async function updateRun(
  id: string,
  data: Partial<Pick<RunRow, "resolvedCommit" | "commitMessage" | "total" | "done">> & { log?: string[]; counts?: Record<string, number> },
): Promise<void> {
  await (await getDb()).syncRun.update({ where: { id }, data: { ...data, heartbeatAt: new Date() } });
}

export async function heartbeatRuns(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await (await getDb()).syncRun.updateMany({ where: { id: { in: ids }, activeKey: { not: null } }, data: { heartbeatAt: new Date() } });
}

export interface RunEnd {
  phase: Extract<RunPhase, "Succeeded" | "Failed">;
  error?: string | null;
  counts?: Record<string, number>;
  total?: number;
  done?: number;
  log: string[];
  startedAt: Date;
  resolvedCommit?: string | null;
  commitMessage?: string | null;
  /** the plan's file problems (the first 200), for the run's Errors box */
  fileProblems?: FileProblem[];
  /**
   * waitForHealthy (issue 14): the writes commit but the run stays active (phase Running, the
   * one-run rule and heartbeat kept) until closeRun() records how the health wait ended
   */
  keepOpen?: boolean;
}

export interface ChangeRecord {
  key: ResourceKey;
  action: ChangeAction;
  diff: FieldChange[];
  liveYaml: string | null;
  desiredYaml: string | null;
  error: string | null;
  sourcePath: string | null;
  sourceLine: number | null;
}

export type { ResourceWrite };

/** What a run writes: the engine's writes (lib/engine/writes.ts) for one definition at one commit. */
export interface ApplyWrites extends ResourceWrites {
  definitionId: string;
  commit: string;
  managedBy: string;
  /** the definition generation the plan used */
  generation: number;
  /** the branch head when the commit was applied (headCommit; default `commit`); null keeps the stored one */
  branchHead?: string | null;
  /** `commit` is not reachable from the branch (issue 19 M1), so it is not the head either */
  offBranch?: boolean;
  /**
   * one resource synced on its own (issue 21): its row keeps its own stamps (it does not follow the
   * definition's) and the definition's synced commit stays where the last full sync left it
   */
  resourceOnly?: boolean;
}

const CHUNK = 2_000;

function chunks<T>(xs: T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Prisma's DateTime columns are `timestamp(3)` holding UTC; a parameter is sent as ISO text and cast. */
const UTC = (n: number) => `($${n}::timestamptz AT TIME ZONE 'UTC')`;

/*
 * Bulk writes go through jsonb_to_recordset: one statement and one parameter per chunk, sent
 * on the raw driver channel (db.ts RawSql). Prisma's createMany binds every column of every
 * row (~4× slower for 10k resources on the embedded store), and its query compiler copies
 * each multi-MiB parameter into its Wasm heap.
 */
async function writeChanges(q: RawQuery, runId: string, changes: ChangeRecord[]): Promise<void> {
  for (const part of chunks(changes, 1_000)) {
    // a turn for the event loop between statements: serializing a part and the store's insert are synchronous
    await yieldToEventLoop();
    const rows = part.map((c) => ({
      id: crypto.randomUUID(),
      kind: c.key.kind,
      namespace: c.key.namespace,
      name: c.key.name,
      action: c.action,
      diff: c.diff,
      liveYaml: c.liveYaml,
      desiredYaml: c.desiredYaml,
      error: c.error,
      sourcePath: c.sourcePath,
      sourceLine: c.sourceLine,
    }));
    await q(
      `INSERT INTO "SyncRunChange" ("id","runId","kind","namespace","name","action","diff","liveYaml","desiredYaml","error","sourcePath","sourceLine")
       SELECT x."id", $2, x."kind", x."namespace", x."name", x."action", x."diff", x."liveYaml", x."desiredYaml", x."error", x."sourcePath", x."sourceLine"
       FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "kind" text, "namespace" text, "name" text, "action" text, "diff" jsonb,
         "liveYaml" text, "desiredYaml" text, "error" text, "sourcePath" text, "sourceLine" int)`,
      [JSON.stringify(rows), runId],
    );
  }
}

async function writeRunEnd(q: RawQuery, runId: string, end: RunEnd): Promise<void> {
  const finishedAt = new Date();
  const set: string[] = [];
  const params: unknown[] = [runId];
  const add = (column: string, value: unknown, cast = "") => {
    params.push(value);
    set.push(`"${column}" = ${cast === "utc" ? UTC(params.length) : `$${params.length}${cast}`}`);
  };
  if (!end.keepOpen) {
    add("phase", end.phase);
    add("error", end.error ?? null);
    add("finishedAt", finishedAt.toISOString(), "utc");
    add("durationMs", finishedAt.getTime() - end.startedAt.getTime(), "::int");
  }
  add("log", JSON.stringify(end.log), "::jsonb");
  if (end.counts) add("counts", JSON.stringify(end.counts), "::jsonb");
  if (end.fileProblems) add("fileProblems", JSON.stringify(end.fileProblems.slice(0, 200)), "::jsonb");
  if (end.total !== undefined) add("total", end.total, "::int");
  if (end.done !== undefined) add("done", end.done, "::int");
  if (end.resolvedCommit !== undefined) add("resolvedCommit", end.resolvedCommit);
  if (end.commitMessage !== undefined) add("commitMessage", end.commitMessage);
  await q(`UPDATE "SyncRun" SET ${end.keepOpen ? "" : `"activeKey" = NULL, `}${set.join(", ")} WHERE "id" = $1`, params);
}

/** Ends a run kept open by `keepOpen` after its health wait (issue 14). */
export async function closeRun(
  runId: string,
  end: { phase: "Succeeded" | "Failed"; error: string | null; log: string[]; startedAt: Date; health: Prisma.InputJsonValue },
): Promise<void> {
  const finishedAt = new Date();
  await (
    await getDb()
  ).syncRun.update({
    where: { id: runId },
    data: {
      activeKey: null,
      phase: end.phase,
      error: end.error,
      log: end.log,
      health: end.health,
      finishedAt,
      durationMs: finishedAt.getTime() - end.startedAt.getTime(),
    },
  });
}

/**
 * Finishes a run. With `writes` (a real, successful sync) the store changes, the change
 * records and the run's end are one transaction; otherwise only records and the run's end.
 */
export async function finishRun(runId: string, end: RunEnd, changes: ChangeRecord[], writes?: ApplyWrites, onProgress?: (done: number) => void): Promise<void> {
  const raw = await getRawSql();
  await raw.transaction(async (q) => {
    if (writes) await applyWrites(q, writes, onProgress);
    await writeChanges(q, runId, changes);
    await writeRunEnd(q, runId, end);
  });
}

async function applyWrites(q: RawQuery, w: ApplyWrites, onProgress?: (done: number) => void): Promise<void> {
  const now = new Date().toISOString();
  let done = 0;
  const tick = (n: number) => {
    done += n;
    onProgress?.(done);
  };
  const content = (c: ResourceWrite) => ({
    labels: c.labels,
    annotations: c.annotations,
    spec: c.spec,
    hash: c.hash,
    sourcePath: c.sourcePath,
    sourceLine: c.sourceLine,
    sopsPaths: c.sopsPaths ?? null,
    sealed: c.sealed ?? null,
  });
  for (const part of chunks(w.creates)) {
    const rows = part.map((c) => ({ id: crypto.randomUUID(), kind: c.key.kind, namespace: c.key.namespace, name: c.key.name, ...content(c) }));
    await q(
      `INSERT INTO "Resource" ("id","definitionId","kind","namespace","name","labels","annotations","spec","generation","managedBy",
         "lastSyncTime","lastCommitSHA","followsDefinition","syncError","syncStatus","appliedSpecHash","liveSpecHash","sourcePath","sourceLine","sopsPaths","sealedValues","createdAt","updatedAt")
       SELECT x."id", $2, x."kind", x."namespace", x."name", x."labels", x."annotations", x."spec", 1, $3,
         ${UTC(4)}, $5, $6::boolean, NULL, 'Synced', x."hash", x."hash", x."sourcePath", x."sourceLine", x."sopsPaths", x."sealed", ${UTC(4)}, ${UTC(4)}
       FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "kind" text, "namespace" text, "name" text, "labels" jsonb, "annotations" jsonb,
         "spec" jsonb, "hash" text, "sourcePath" text, "sourceLine" int, "sopsPaths" jsonb, "sealed" text)`,
      [JSON.stringify(rows), w.definitionId, w.managedBy, now, w.commit, !w.resourceOnly],
    );
    tick(part.length);
  }
  for (const part of chunks(w.updates)) {
    const rows = part.map((u) => ({ id: u.id, bump: u.bumpGeneration ? 1 : 0, ...content(u) }));
    await q(
      `UPDATE "Resource" AS r SET "definitionId" = $2, "labels" = x."labels", "annotations" = x."annotations", "spec" = x."spec",
         "generation" = r."generation" + x."bump", "managedBy" = $3, "lastSyncTime" = ${UTC(4)}, "lastCommitSHA" = $5, "followsDefinition" = $6::boolean, "syncError" = NULL,
         "syncStatus" = 'Synced', "appliedSpecHash" = x."hash", "liveSpecHash" = x."hash", "sourcePath" = x."sourcePath",
         "sourceLine" = x."sourceLine", "sopsPaths" = x."sopsPaths", "sealedValues" = x."sealed", "updatedAt" = ${UTC(4)}
       FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "bump" int, "labels" jsonb, "annotations" jsonb, "spec" jsonb, "hash" text,
         "sourcePath" text, "sourceLine" int, "sopsPaths" jsonb, "sealed" text)
       WHERE r."id" = x."id"`,
      [JSON.stringify(rows), w.definitionId, w.managedBy, now, w.commit, !w.resourceOnly],
    );
    tick(part.length);
  }
  // Unchanged resources that must start following the definition's stamps again; those that
  // already do (resources.ts stampsFollowDefinition) are left out by the caller: nothing changes.
  if (w.touches.length > 0) {
    await q(
      `UPDATE "Resource" SET "lastSyncTime" = ${UTC(1)}, "lastCommitSHA" = $2, "followsDefinition" = true, "syncError" = NULL,
         "syncStatus" = 'Synced', "updatedAt" = ${UTC(1)}
       WHERE "id" IN (SELECT jsonb_array_elements_text($3::jsonb))`,
      [now, w.commit, JSON.stringify(w.touches)],
    );
  }
  tick(w.touches.length + w.untouched);
  // Rows that stop following keep the stamps they showed (the definition's, before this sync).
  if (w.errors.length > 0) {
    await q(
      `UPDATE "Resource" AS r SET "syncError" = x."message", "lastSyncTime" = ${UTC(1)}, "lastCommitSHA" = ${STAMP_SQL.lastCommitSHA},
         "followsDefinition" = false, "syncStatus" = 'Error', "updatedAt" = ${UTC(1)}
       FROM jsonb_to_recordset($2::jsonb) AS x("id" text, "message" text), "ResourceDefinition" AS d
       WHERE r."id" = x."id" AND d."id" = r."definitionId"`,
      [now, JSON.stringify(w.errors)],
    );
  }
  if (w.orphans.length > 0) {
    await q(
      `UPDATE "Resource" AS r SET "syncStatus" = 'Orphaned', "lastSyncTime" = ${STAMP_SQL.lastSyncTime}, "lastCommitSHA" = ${STAMP_SQL.lastCommitSHA},
         "followsDefinition" = false, "updatedAt" = ${UTC(2)}
       FROM "ResourceDefinition" AS d
       WHERE r."id" IN (SELECT jsonb_array_elements_text($1::jsonb)) AND d."id" = r."definitionId"`,
      [JSON.stringify(w.orphans), now],
    );
  }
  if (w.deletes.length > 0) {
    await q(`DELETE FROM "Resource" WHERE "id" IN (SELECT jsonb_array_elements_text($1::jsonb))`, [JSON.stringify(w.deletes)]);
    tick(w.deletes.length);
  }
  if (w.resourceOnly) return;
  await q(
    `UPDATE "ResourceDefinition" SET "syncedCommit" = $2, "syncedGeneration" = $3, "headCommit" = COALESCE($5, "headCommit"), "syncedOffBranch" = $6,
       "lastSyncTime" = ${UTC(4)}, "updatedAt" = ${UTC(4)} WHERE "id" = $1`,
    [w.definitionId, w.commit, w.generation, now, w.branchHead === undefined ? w.commit : w.branchHead, w.offBranch ?? false],
  );
}

/** Ends a run that could not finish normally (fetch failed, crashed pipeline). */
export async function failRun(runId: string, end: Omit<RunEnd, "phase">): Promise<void> {
  await writeRunEnd((await getRawSql()).query, runId, { ...end, phase: "Failed" });
}

/** Runs left Running by a dead process (or, with `ownerNot`, by every other process). */
export async function interruptRuns(where: { heartbeatBefore?: Date; all?: boolean }): Promise<number> {
  const db = await getDb();
  const filter: Prisma.SyncRunWhereInput = { activeKey: { not: null } };
  if (!where.all) filter.heartbeatAt = { lt: where.heartbeatBefore ?? new Date() };
  const stale = await db.syncRun.findMany({ where: filter, select: { id: true, startedAt: true } });
  for (const r of stale) {
    const finishedAt = new Date();
    await db.syncRun.updateMany({
      where: { id: r.id, activeKey: { not: null } },
      data: {
        phase: "Interrupted",
        activeKey: null,
        finishedAt,
        durationMs: r.startedAt ? finishedAt.getTime() - r.startedAt.getTime() : null,
        error: "the server stopped while this run was in progress; nothing from it was applied",
      },
    });
  }
  return stale.length;
}

export async function findRun(id: string): Promise<RunRow | null> {
  return (await getDb()).syncRun.findUnique({ where: { id } });
}

/** Runs whose id starts with `prefix` (the 8 characters the UI shows), at most `limit`. */
export async function findRunsByIdPrefix(prefix: string, limit = 2): Promise<RunRow[]> {
  return (await getDb()).syncRun.findMany({ where: { id: { startsWith: prefix } }, take: limit, orderBy: { createdAt: "desc" } });
}

export async function findActiveRun(definitionId: string): Promise<RunRow | null> {
  return (await getDb()).syncRun.findUnique({ where: { activeKey: definitionId } });
}

/** The active run of each definition that has one, in one query (by the unique activeKey). */
export async function findActiveRuns(definitionIds: string[]): Promise<Map<string, RunRow>> {
  if (definitionIds.length === 0) return new Map();
  const rows = await (await getDb()).syncRun.findMany({ where: { activeKey: { in: definitionIds } } });
  return new Map(rows.map((r) => [r.activeKey!, r]));
}

export async function getRunChanges(
  runId: string,
  q: { actions?: string[]; limit?: number; offset?: number; nameContains?: string; errorsOnly?: boolean } = {},
) {
  const db = await getDb();
  const where: Prisma.SyncRunChangeWhereInput = {
    runId,
    ...(q.actions ? { action: { in: q.actions } } : {}),
    ...(q.nameContains ? { name: { contains: q.nameContains } } : {}),
    ...(q.errorsOnly ? { error: { not: null } } : {}),
  };
  const [items, total] = await Promise.all([
    db.syncRunChange.findMany({ where, orderBy: [{ namespace: "asc" }, { name: "asc" }], take: q.limit ?? 500, skip: q.offset ?? 0 }),
    db.syncRunChange.count({ where }),
  ]);
  return { items, total };
}

export async function getRuns(definitionId: string, q: { limit?: number; cursor?: string } = {}) {
  const db = await getDb();
  const take = Math.min(q.limit ?? 50, 500);
  const rows = await db.syncRun.findMany({
    where: { definitionId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: take + 1,
    ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}),
  });
  return { items: rows.slice(0, take), nextCursor: rows.length > take ? (rows[take - 1]?.id ?? null) : null };
}

export async function getLastRuns(definitionIds: string[]): Promise<Map<string, RunRow>> {
  const db = await getDb();
  const rows = await db.syncRun.findMany({
    where: { definitionId: { in: definitionIds } },
    orderBy: { createdAt: "desc" },
    distinct: ["definitionId"],
  });
  return new Map(rows.map((r) => [r.definitionId, r]));
}

/** Did a real sync of this definition apply `commit` (full SHA) successfully? */
export async function wasCommitApplied(definitionId: string, commit: string): Promise<boolean> {
  const db = await getDb();
  return (await db.syncRun.count({ where: { definitionId, dryRun: false, phase: "Succeeded", resolvedCommit: commit } })) > 0;
}

/** Earlier commits that a real sync applied successfully: rollback targets. */
export async function getAppliedCommits(definitionId: string, limit = 50) {
  const db = await getDb();
  return db.syncRun.findMany({
    where: { definitionId, dryRun: false, phase: "Succeeded", resolvedCommit: { not: null } },
    orderBy: { createdAt: "desc" },
    distinct: ["resolvedCommit"],
    take: limit,
    select: { id: true, resolvedCommit: true, commitMessage: true, finishedAt: true, trigger: true, initiator: true },
  });
}

export async function getRunsTouching(key: ResourceKey, limit = 20) {
  const db = await getDb();
  return db.syncRunChange.findMany({
    where: { ...key },
    orderBy: { run: { createdAt: "desc" } },
    take: limit,
    include: { run: { select: { id: true, createdAt: true, phase: true, trigger: true, dryRun: true, resolvedCommit: true } } },
  });
}
