/** Query functions for Resource rows. */
import "server-only";
import crypto from "node:crypto";
import { Prisma, type Resource } from "@prisma/client";
import { getDb, getRawSql, type Db } from "@/lib/server/db";
import type { ResourceKey } from "@/lib/engine/types";
import type { LabelRequirement } from "@/lib/engine/label-selector";

export type ResourceRow = Resource;

/**
 * status.gitSync stamps as shown. A real sync stamps the definition (syncedCommit,
 * lastSyncTime) and writes only the rows it changes; a row every sync has covered since it was
 * last written (`followsDefinition`) shows the definition's stamps. Every read of Resource rows
 * goes through here (the heads query does the same in SQL).
 */
const STAMPS = { definition: { select: { syncedCommit: true, lastSyncTime: true } } } as const;

type StampedRow = Resource & { definition: { syncedCommit: string | null; lastSyncTime: Date | null } };

function stamped(r: StampedRow): ResourceRow {
  const { definition, ...row } = r;
  return row.followsDefinition ? { ...row, lastCommitSHA: definition.syncedCommit, lastSyncTime: definition.lastSyncTime } : row;
}

/** A row that an unchanged, valid resource leaves as it is: the next sync's stamps show on it without a write. */
export function stampsFollowDefinition(r: Pick<ResourceRow, "followsDefinition" | "syncStatus" | "syncError">): boolean {
  return r.followsDefinition && r.syncStatus === "Synced" && !r.syncError;
}

/** The same in SQL, for raw reads of "Resource" r joined with its "ResourceDefinition" d. */
export const STAMP_SQL = {
  lastCommitSHA: `CASE WHEN r."followsDefinition" THEN d."syncedCommit" ELSE r."lastCommitSHA" END`,
  lastSyncTime: `CASE WHEN r."followsDefinition" THEN d."lastSyncTime" ELSE r."lastSyncTime" END`,
};

export async function findResource(key: ResourceKey): Promise<ResourceRow | null> {
  const r = await (await getDb()).resource.findUnique({ where: { kind_namespace_name: key }, include: STAMPS });
  return r ? stamped(r) : null;
}

export interface ResourceFilter {
  kind?: string;
  definitionId?: string;
  /** "" = Cluster-scoped only */
  namespace?: string;
  labels?: LabelRequirement[];
  nameContains?: string;
  ids?: string[];
  syncStatus?: string[];
  drifted?: boolean;
  /** issue 14: stored health values; "None" stands for "not assessed" (no rules) */
  health?: string[];
}

function labelWhere(f: LabelRequirement): Prisma.ResourceWhereInput {
  const path = [f.key];
  const is = (v: string): Prisma.ResourceWhereInput => ({ labels: { path, equals: v } });
  // As in Kubernetes, != and notin also match resources without the label.
  const has: Prisma.ResourceWhereInput = { labels: { path, not: Prisma.AnyNull } };
  switch (f.op) {
    case "=":
      return is(f.value);
    case "!=":
      return { OR: [{ NOT: has }, { NOT: is(f.value) }] };
    case "in":
      return { OR: f.values.map(is) };
    case "notin":
      return { OR: [{ NOT: has }, { AND: f.values.map((v) => ({ NOT: is(v) })) }] };
    case "exists":
      return has;
    case "notexists":
      return { NOT: has };
  }
}

export function resourceWhere(f: ResourceFilter, db?: Db): Prisma.ResourceWhereInput {
  const and: Prisma.ResourceWhereInput[] = [];
  if (f.syncStatus && f.syncStatus.length > 0) and.push({ syncStatus: { in: f.syncStatus } });
  if (f.drifted !== undefined && db) {
    // drift (lib/engine/status.ts isDrifted) as a query: the live content hash moved away from the one the last sync applied
    const moved: Prisma.ResourceWhereInput = { appliedSpecHash: { not: null }, NOT: { appliedSpecHash: { equals: db.resource.fields.liveSpecHash } } };
    and.push(f.drifted ? moved : { NOT: moved });
  }
  if (f.health && f.health.length > 0) {
    const values = f.health.filter((h) => h !== "None");
    and.push({ OR: [...(values.length > 0 ? [{ health: { in: values } }] : []), ...(f.health.includes("None") ? [{ health: null }] : [])] });
  }
  if (f.kind) and.push({ kind: f.kind });
  if (f.definitionId) and.push({ definitionId: f.definitionId });
  if (f.namespace !== undefined) and.push({ namespace: f.namespace });
  if (f.nameContains) and.push({ name: { contains: f.nameContains } });
  if (f.ids) and.push({ id: { in: f.ids } });
  for (const l of f.labels ?? []) and.push(labelWhere(l));
  return { AND: and };
}

export async function getResourcesPage(q: {
  filter: ResourceFilter;
  limit: number;
  cursor?: string;
  /** offset paging (the table's "page N of M"); ignored with a cursor */
  skip?: number;
  orderBy?: Prisma.ResourceOrderByWithRelationInput[];
}): Promise<{ items: ResourceRow[]; nextCursor: string | null }> {
  const db = await getDb();
  const rows = await db.resource.findMany({
    where: resourceWhere(q.filter, db),
    orderBy: q.orderBy ?? [{ namespace: "asc" }, { name: "asc" }, { id: "asc" }],
    take: q.limit + 1,
    ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : q.skip ? { skip: q.skip } : {}),
    include: STAMPS,
  });
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit).map(stamped);
  return { items, nextCursor: more ? (items[items.length - 1]?.id ?? null) : null };
}

export async function countResources(filter: ResourceFilter): Promise<number> {
  const db = await getDb();
  return db.resource.count({ where: resourceWhere(filter, db) });
}

/**
 * A resource without its content (spec, labels, annotations come back empty): planning
 * compares content hashes, and only rows whose hash differs from Git need the rest.
 */
export type ResourceHead = Pick<
  ResourceRow,
  | "id"
  | "kind"
  | "namespace"
  | "name"
  | "generation"
  | "managedBy"
  | "lastCommitSHA"
  | "lastSyncTime"
  | "syncError"
  | "appliedSpecHash"
  | "liveSpecHash"
  | "sourcePath"
  | "syncStatus"
  | "followsDefinition"
> & { spec: null; labels: null; annotations: null };

/**
 * Every resource of a definition as a head. One JSON array from the database, parsed once:
 * 10,000 rows as protocol rows took ~0.33 s on the embedded store (Prisma: more).
 */
export async function getDefinitionResourceHeads(definitionId: string): Promise<ResourceHead[]> {
  const [row] = await (
    await getRawSql()
  ).query<{ heads: string | null }>(
    `SELECT json_agg(json_build_array(r."id", r."kind", r."namespace", r."name", r."generation", r."managedBy", ${STAMP_SQL.lastCommitSHA},
       ${STAMP_SQL.lastSyncTime}, r."syncError", r."appliedSpecHash", r."liveSpecHash", r."sourcePath", r."syncStatus", r."followsDefinition"))::text AS "heads"
     FROM "Resource" r JOIN "ResourceDefinition" d ON d."id" = r."definitionId" WHERE r."definitionId" = $1`,
    [definitionId],
  );
  type Tuple = [
    string,
    string,
    string,
    string,
    number,
    string | null,
    string | null,
    string | null,
    string | null,
    string | null,
    string,
    string | null,
    string,
    boolean,
  ];
  return (JSON.parse(row?.heads ?? "[]") as Tuple[]).map((t) => ({
    id: t[0],
    kind: t[1],
    namespace: t[2],
    name: t[3],
    generation: t[4],
    managedBy: t[5],
    lastCommitSHA: t[6],
    // JSON renders timestamp(3), stored as UTC, without a zone
    lastSyncTime: t[7] ? new Date(`${t[7]}Z`) : null,
    syncError: t[8],
    appliedSpecHash: t[9],
    liveSpecHash: t[10],
    sourcePath: t[11],
    syncStatus: t[12],
    followsDefinition: t[13],
    spec: null,
    labels: null,
    annotations: null,
  }));
}

export async function getResourcesByIds(ids: string[]): Promise<ResourceRow[]> {
  const db = await getDb();
  const out: ResourceRow[] = [];
  for (let i = 0; i < ids.length; i += 5_000) {
    const rows = await db.resource.findMany({ where: { id: { in: ids.slice(i, i + 5_000) } }, include: STAMPS });
    for (const r of rows) out.push(stamped(r));
  }
  return out;
}

export type NewResourceRow = Omit<Prisma.ResourceUncheckedCreateInput, "spec" | "labels" | "annotations"> & {
  spec: unknown;
  labels: Record<string, string>;
  annotations: Record<string, string>;
};

/*
 * Content writes go through the raw channel with the document as one jsonb parameter: Prisma's
 * query compiler copies every argument into its Wasm heap, which for a 20,000-item spec held the
 * event loop for ~0.3 s (issue 19 H2); the row is then read back through Prisma.
 */
export async function createResourceRow(data: NewResourceRow): Promise<ResourceRow> {
  const id = crypto.randomUUID();
  await (
    await getRawSql()
  ).query(
    `INSERT INTO "Resource" ("id", "definitionId", "kind", "namespace", "name", "labels", "annotations", "spec", "generation", "managedBy",
       "lastSyncTime", "lastCommitSHA", "followsDefinition", "syncError", "appliedSpecHash", "liveSpecHash", "syncStatus", "sourcePath", "sourceLine", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, now())`,
    [
      id,
      data.definitionId,
      data.kind,
      data.namespace ?? "",
      data.name,
      JSON.stringify(data.labels),
      JSON.stringify(data.annotations),
      JSON.stringify(data.spec),
      data.generation ?? 1,
      data.managedBy ?? null,
      data.lastSyncTime ? new Date(data.lastSyncTime).toISOString() : null,
      data.lastCommitSHA ?? null,
      data.followsDefinition ?? false,
      data.syncError ?? null,
      data.appliedSpecHash ?? null,
      data.liveSpecHash,
      data.syncStatus ?? "Unknown",
      data.sourcePath ?? null,
      data.sourceLine ?? null,
    ],
  );
  return readWritten(id);
}

export async function updateResourceContent(
  id: string,
  c: { spec: unknown; labels: Record<string, string>; annotations: Record<string, string>; liveSpecHash: string; bumpGeneration: boolean; syncStatus?: string },
): Promise<ResourceRow> {
  await (
    await getRawSql()
  ).query(
    `UPDATE "Resource" SET "spec" = $2::jsonb, "labels" = $3::jsonb, "annotations" = $4::jsonb, "liveSpecHash" = $5,
       "syncStatus" = COALESCE($6, "syncStatus"), "generation" = "generation" + $7, "updatedAt" = now() WHERE "id" = $1`,
    [id, JSON.stringify(c.spec), JSON.stringify(c.labels), JSON.stringify(c.annotations), c.liveSpecHash, c.syncStatus ?? null, c.bumpGeneration ? 1 : 0],
  );
  return readWritten(id);
}

async function readWritten(id: string): Promise<ResourceRow> {
  const r = await (await getDb()).resource.findUnique({ where: { id }, include: STAMPS });
  if (!r) throw new Error(`resource ${id} vanished while it was written`);
  return stamped(r);
}

export async function deleteResourceRow(key: ResourceKey): Promise<boolean> {
  return (await (await getDb()).resource.deleteMany({ where: key })).count > 0;
}

/** Keys of this kind held by other definitions: "namespace/name" → definition name. */
export async function getForeignResourceKeys(definitionId: string, kind: string): Promise<Map<string, string>> {
  const db = await getDb();
  // with no other definition nothing is foreign: skip reading every row of the kind (this
  // definition's own 10,000 included) only to keep none of them
  if ((await db.resourceDefinition.count({ where: { id: { not: definitionId } }, take: 1 })) === 0) return new Map();
  const rows = await db.resource.findMany({
    where: { kind, definitionId: { not: definitionId } },
    select: { namespace: true, name: true, definition: { select: { name: true } } },
  });
  return new Map(rows.map((r) => [`${r.namespace}/${r.name}`, r.definition.name]));
}
