/** Query functions for ResourceDefinition rows, and the row ↔ seed-shape mapping. */
import "server-only";
import type { Prisma, ResourceDefinition } from "@prisma/client";
import { getDb } from "@/lib/server/db";
import type { Definition, GitOpsSpec, SyncPolicy } from "@/lib/engine/types";
import type { ApprovalSpec, SyncWindow } from "@/lib/engine/sync-windows";

export type DefinitionRow = ResourceDefinition;

const defaultPolicy: SyncPolicy = { automated: false, prune: false, selfHeal: false, atomic: false, allowEmpty: false };

export function rowToDefinition(row: DefinitionRow): Definition {
  const spec: Definition["spec"] = {
    group: row.group,
    version: row.version,
    names: { kind: row.kind, plural: row.plural, ...(row.singular ? { singular: row.singular } : {}) },
    scope: row.scope === "Cluster" ? "Cluster" : "Namespaced",
    syncPolicy: { ...defaultPolicy, ...((row.syncPolicy ?? {}) as Partial<SyncPolicy>) },
    production: row.production,
    secretPaths: (row.secretPaths ?? []) as string[],
  };
  if (row.handler) spec.handler = row.handler as Definition["spec"]["handler"];
  if (row.schema) spec.schema = row.schema as Record<string, unknown>;
  if (row.gitops) spec.gitops = row.gitops as unknown as GitOpsSpec;
  if (row.health) spec.health = row.health as unknown as NonNullable<Definition["spec"]["health"]>;
  if (row.syncWindows) spec.syncWindows = row.syncWindows as unknown as SyncWindow[];
  if (row.approval) spec.approval = row.approval as unknown as ApprovalSpec;
  return { metadata: { name: row.name }, spec };
}

function definitionColumns(def: Definition) {
  const s = def.spec;
  return {
    group: s.group,
    version: s.version,
    kind: s.names.kind,
    plural: s.names.plural,
    singular: s.names.singular ?? null,
    scope: s.scope,
    schema: (s.schema ?? undefined) as Prisma.InputJsonValue | undefined,
    handler: (s.handler ?? undefined) as Prisma.InputJsonValue | undefined,
    gitops: (s.gitops ?? undefined) as Prisma.InputJsonValue | undefined,
    syncPolicy: s.syncPolicy as unknown as Prisma.InputJsonValue,
    production: s.production ?? false,
    secretPaths: (s.secretPaths ?? []) as Prisma.InputJsonValue,
    health: (s.health ?? undefined) as Prisma.InputJsonValue | undefined,
    syncWindows: (s.syncWindows?.length ? s.syncWindows : undefined) as Prisma.InputJsonValue | undefined,
    approval: (s.approval ?? undefined) as Prisma.InputJsonValue | undefined,
  };
}

export async function createDefinition(def: Definition): Promise<DefinitionRow> {
  const db = await getDb();
  return db.resourceDefinition.create({ data: { name: def.metadata.name, ...definitionColumns(def) } });
}

/** Replaces the spec; bumps generation. Nullable JSON columns are cleared explicitly. */
export async function updateDefinition(name: string, def: Definition): Promise<DefinitionRow> {
  const db = await getDb();
  const cols = definitionColumns(def);
  const { Prisma: P } = await import("@prisma/client");
  return db.resourceDefinition.update({
    where: { name },
    data: {
      ...cols,
      schema: cols.schema ?? P.DbNull,
      handler: cols.handler ?? P.DbNull,
      gitops: cols.gitops ?? P.DbNull,
      health: cols.health ?? P.DbNull,
      syncWindows: cols.syncWindows ?? P.DbNull,
      approval: cols.approval ?? P.DbNull,
      generation: { increment: 1 },
    },
  });
}

export async function findDefinition(name: string): Promise<DefinitionRow | null> {
  return (await getDb()).resourceDefinition.findUnique({ where: { name } });
}

export async function findDefinitionById(id: string): Promise<DefinitionRow | null> {
  return (await getDb()).resourceDefinition.findUnique({ where: { id } });
}

export async function findDefinitionByKind(kind: string): Promise<DefinitionRow | null> {
  return (await getDb()).resourceDefinition.findFirst({ where: { kind }, orderBy: { createdAt: "asc" } });
}

export async function getDefinitions(): Promise<DefinitionRow[]> {
  return (await getDb()).resourceDefinition.findMany({ orderBy: { name: "asc" } });
}

export async function deleteDefinition(name: string): Promise<boolean> {
  const r = await (await getDb()).resourceDefinition.deleteMany({ where: { name } });
  return r.count > 0;
}

export async function countDefinitions(): Promise<number> {
  return (await getDb()).resourceDefinition.count();
}

export async function setDefinitionPin(id: string, pin: { revision: string; by: string } | null): Promise<DefinitionRow> {
  return (await getDb()).resourceDefinition.update({
    where: { id },
    data: pin ? { pinnedRevision: pin.revision, pinnedBy: pin.by, pinnedAt: new Date() } : { pinnedRevision: null, pinnedBy: null, pinnedAt: null },
  });
}
