/**
 * One page of a definition's resources for the table: search, sort and cursor pagination
 * run in the database, so the page cost does not grow with the definition.
 */
import "server-only";
import { countResources, getResourcesPage, type ResourceFilter, type ResourceRow } from "@/lib/server/data/resources";
import { isDrifted } from "@/lib/engine/status";
import { DRIFTED } from "@/lib/engine/vocabulary";
import type { ResourceListPage, ResourceListRow, ResourceQuery } from "@/lib/api/views";

export const PAGE_SIZE = 50;

type OrderBy = NonNullable<Parameters<typeof getResourcesPage>[0]["orderBy"]>;

function orderFor(q: ResourceQuery): OrderBy {
  const d = q.dir;
  switch (q.sort) {
    case "status":
      return [{ syncStatus: d }, { namespace: "asc" }, { name: "asc" }, { id: "asc" }];
    case "health":
      return [{ health: { sort: d, nulls: "last" } }, { namespace: "asc" }, { name: "asc" }, { id: "asc" }];
    case "synced":
      // rows following the definition show its last sync, the latest of all (data/resources.ts);
      // never-synced rows count as the oldest
      return [
        { followsDefinition: d },
        { lastSyncTime: { sort: d, nulls: d === "desc" ? "last" : "first" } },
        { namespace: "asc" },
        { name: "asc" },
        { id: "asc" },
      ];
    case "source":
      return [{ sourcePath: d }, { sourceLine: d }, { id: "asc" }];
    default:
      return [{ namespace: d }, { name: d }, { id: d }];
  }
}

export function parseResourceQuery(sp: Record<string, string | string[] | undefined>): ResourceQuery {
  const one = (k: string) => {
    const v = sp[k];
    return (Array.isArray(v) ? v[0] : v) ?? "";
  };
  const sort = one("sort");
  return {
    q: one("q").trim().slice(0, 253),
    status: one("status"),
    health: one("health"),
    sort: sort === "status" || sort === "health" || sort === "synced" || sort === "source" ? sort : "name",
    dir: one("dir") === "desc" ? "desc" : "asc",
    after: one("after") || null,
  };
}

function toListRow(r: ResourceRow): ResourceListRow {
  return {
    namespace: r.namespace,
    name: r.name,
    syncStatus: r.syncStatus,
    drifted: isDrifted(r),
    lastSyncTime: r.lastSyncTime?.toISOString() ?? null,
    lastCommitSHA: r.lastCommitSHA,
    syncError: r.syncError,
    sourcePath: r.sourcePath,
    sourceLine: r.sourceLine,
    health: r.health,
    healthMessage: r.healthMessage,
  };
}

export async function loadResourcePage(definitionId: string, q: ResourceQuery): Promise<ResourceListPage> {
  const filter: ResourceFilter = { definitionId, ...(q.q ? { nameContains: q.q } : {}) };
  if (q.status === DRIFTED) filter.drifted = true;
  else if (q.status) filter.syncStatus = [q.status];
  if (q.health) filter.health = [q.health];
  const [page, total] = await Promise.all([
    getResourcesPage({ filter, limit: PAGE_SIZE, cursor: q.after ?? undefined, orderBy: orderFor(q) }),
    countResources(filter),
  ]);
  return { rows: page.items.map(toListRow), total, nextCursor: page.nextCursor };
}
