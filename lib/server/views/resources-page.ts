/**
 * One page of a definition's resources for the table: search, sort and cursor pagination
 * run in the database, so the page cost does not grow with the definition.
 */
import "server-only";
import { countResources, getResourcesPage, type ResourceFilter, type ResourceRow } from "@/lib/server/data/resources";
import { isDrifted } from "@/lib/engine/status";
import { parseLabelSelector } from "@/lib/engine/label-selector";
import { DRIFTED } from "@/lib/engine/vocabulary";
import { RESOURCE_PAGE_SIZES, type ResourceListPage, type ResourceListRow, type ResourceQuery } from "@/lib/api/views";

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
    case "namespace":
      return [{ namespace: d }, { name: d }, { id: d }];
    default:
      // "Name ▲" sorts by name; the namespace only breaks ties between equal names
      return [{ name: d }, { namespace: d }, { id: d }];
  }
}

export function parseResourceQuery(sp: Record<string, string | string[] | undefined>): ResourceQuery {
  const one = (k: string) => {
    const v = sp[k];
    return (Array.isArray(v) ? v[0] : v) ?? "";
  };
  const sort = one("sort");
  const size = Number(one("size"));
  const page = Math.floor(Number(one("page")));
  return {
    q: one("q").trim().slice(0, 253),
    status: one("status"),
    health: one("health"),
    sort: sort === "status" || sort === "health" || sort === "synced" || sort === "source" || sort === "namespace" ? sort : "name",
    dir: one("dir") === "desc" ? "desc" : "asc",
    page: Number.isFinite(page) && page >= 1 ? Math.min(page, 1_000_000) : 1,
    size: (RESOURCE_PAGE_SIZES as readonly number[]).includes(size) ? size : PAGE_SIZE,
    ns: sp.ns === undefined ? null : one("ns").trim().slice(0, 253),
    labels: one("labels").trim().slice(0, 4096),
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

/** One page by offset: "page N of M" needs the count anyway, and 10,000 rows skip cheaply on the (definitionId, namespace, name) index. */
export async function loadResourcePage(definitionId: string, q: ResourceQuery): Promise<ResourceListPage> {
  const filter: ResourceFilter = { definitionId, ...(q.q ? { nameContains: q.q } : {}) };
  if (q.status === DRIFTED) filter.drifted = true;
  else if (q.status) filter.syncStatus = [q.status];
  if (q.health) filter.health = [q.health];
  if (q.ns !== null) filter.namespace = q.ns;
  let labelError: string | null = null;
  if (q.labels) {
    const sel = parseLabelSelector(q.labels);
    if (sel.ok) filter.labels = sel.selector;
    else labelError = sel.error;
  }
  if (labelError) return { rows: [], total: 0, pages: 1, labelError };
  if (q.page === 1) {
    // the first page needs no count to know where it starts: both queries at once
    const [total, page] = await Promise.all([countResources(filter), getResourcesPage({ filter, limit: q.size, orderBy: orderFor(q) })]);
    return { rows: page.items.map(toListRow), total, pages: Math.max(1, Math.ceil(total / q.size)), labelError: null };
  }
  const total = await countResources(filter);
  const pages = Math.max(1, Math.ceil(total / q.size));
  const pageNo = Math.min(q.page, pages);
  const page = await getResourcesPage({ filter, limit: q.size, skip: (pageNo - 1) * q.size, orderBy: orderFor(q) });
  return { rows: page.items.map(toListRow), total, pages, labelError: null };
}
