/**
 * The overview's filters, sorts and URL state, pure so the server page and tests share them.
 * A new filter (health from issue 14, Blocked from issue 15, …) is ONE entry in OVERVIEW_FILTERS:
 * an id (its URL value), a label and a test on a DefinitionSummary.
 */
import type { DefinitionSummary } from "@/lib/api/views";

/** A definition's problems (issue 21): invalid resources, unreadable files, a Git error — the card, the panel and the filter count the same. */
export function problemCounts(d: Pick<DefinitionSummary, "counts" | "lastRun" | "git">) {
  // stored rows in Error, or the last run's refused documents (a new invalid resource has no row)
  const invalid = Math.max(d.counts.Error ?? 0, d.lastRun?.counts.invalid ?? 0);
  return { invalid, files: d.lastRun?.counts.fileProblems ?? 0, git: d.git?.error ? 1 : 0 };
}

export interface OverviewFilter {
  /** the value in ?filter=… (several are joined by commas and must all match) */
  id: string;
  label: string;
  test: (d: DefinitionSummary) => boolean;
}

export const OVERVIEW_FILTERS: readonly OverviewFilter[] = [
  { id: "error", label: "Error", test: (d) => d.counts.Error > 0 },
  { id: "drifted", label: "Drifted", test: (d) => d.counts.drifted > 0 },
  { id: "outofsync", label: "Out of sync", test: (d) => d.status === "OutOfSync" },
  { id: "pinned", label: "Pinned", test: (d) => d.pinnedRevision !== null },
  { id: "suspended", label: "Suspended", test: (d) => d.suspendedReason !== null },
  { id: "production", label: "Production", test: (d) => d.production },
  { id: "automated", label: "Automated", test: (d) => d.automated },
  { id: "failed", label: "Last run failed", test: (d) => d.lastRun?.phase === "Failed" || d.lastRun?.phase === "Interrupted" },
  // issue 21: invalid resources, unreadable files or a Git error
  {
    id: "problems",
    label: "Problems",
    test: (d) => {
      const c = problemCounts(d);
      return c.invalid + c.files + c.git > 0;
    },
  },
  // issue 14: the definition's health (the worst of its resources)
  { id: "degraded", label: "Degraded", test: (d) => d.health?.status === "Degraded" },
  { id: "progressing", label: "Progressing", test: (d) => d.health?.status === "Progressing" },
  // issue 15: a sync window holds syncs back
  { id: "blocked", label: "Blocked", test: (d) => d.gate?.open === false },
];

/** status order for "sort by status": the worst first (resources in Error, then out of sync, unknown, synced) */
const STATUS_RANK: Record<string, number> = { OutOfSync: 1, Unknown: 2, Synced: 3 };
const rank = (d: DefinitionSummary) => (d.counts.Error > 0 ? 0 : (STATUS_RANK[d.status] ?? 9));

export const OVERVIEW_SORTS = {
  name: { label: "Name", compare: (a: DefinitionSummary, b: DefinitionSummary) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) },
  synced: {
    label: "Last sync",
    // the most recent run first; never run last
    compare: (a: DefinitionSummary, b: DefinitionSummary) => runTime(b) - runTime(a),
  },
  status: {
    label: "Status",
    compare: (a: DefinitionSummary, b: DefinitionSummary) => rank(a) - rank(b),
  },
} as const;

export type OverviewSort = keyof typeof OVERVIEW_SORTS;

function runTime(d: DefinitionSummary): number {
  const at = d.lastRun?.finishedAt ?? d.lastRun?.createdAt;
  return at ? Date.parse(at) : -Infinity;
}

export const OVERVIEW_PAGE_SIZE = 50;

export interface OverviewQuery {
  q: string;
  filters: string[];
  sort: OverviewSort;
  view: "cards" | "table";
  page: number;
}

type SearchParams = Record<string, string | string[] | undefined>;

export function parseOverviewQuery(sp: SearchParams): OverviewQuery {
  const one = (k: string) => {
    const v = sp[k];
    return (Array.isArray(v) ? v[0] : v) ?? "";
  };
  const known = new Set(OVERVIEW_FILTERS.map((f) => f.id));
  const sort = one("sort");
  const page = Math.floor(Number(one("page")));
  return {
    q: one("q").trim().slice(0, 253),
    filters: [...new Set(one("filter").split(","))].filter((f) => known.has(f)),
    sort: sort in OVERVIEW_SORTS ? (sort as OverviewSort) : "name",
    view: one("view") === "table" ? "table" : "cards",
    page: Number.isFinite(page) && page >= 1 ? page : 1,
  };
}

/** The overview URL for `q` changed by `patch` (any change but the page goes back to page 1). */
export function overviewHref(q: OverviewQuery, patch: Partial<OverviewQuery>): string {
  const m = { ...q, page: 1, ...patch };
  const sp = new URLSearchParams();
  if (m.q) sp.set("q", m.q);
  if (m.filters.length) sp.set("filter", m.filters.join(","));
  if (m.sort !== "name") sp.set("sort", m.sort);
  if (m.view !== "cards") sp.set("view", m.view);
  if (m.page > 1) sp.set("page", String(m.page));
  const s = sp.toString();
  return s ? `/?${s}` : "/";
}

export interface OverviewPage {
  query: OverviewQuery;
  /** all definitions (before filters) */
  total: number;
  /** definitions matching search and filters */
  matching: number;
  pages: number;
  /** per filter id: how many definitions match the search and that filter (with the other active filters) */
  filterCounts: Record<string, number>;
  rows: DefinitionSummary[];
}

/** Search, filter, sort and page the summaries: the page renders at most OVERVIEW_PAGE_SIZE cards. */
export function overviewPage(all: DefinitionSummary[], query: OverviewQuery): OverviewPage {
  const needle = query.q.toLowerCase();
  const searched = needle ? all.filter((d) => d.name.toLowerCase().includes(needle) || d.kind.toLowerCase().includes(needle)) : all;
  const active = OVERVIEW_FILTERS.filter((f) => query.filters.includes(f.id));
  const matches = (d: DefinitionSummary, fs: readonly OverviewFilter[]) => fs.every((f) => f.test(d));
  const shown = searched.filter((d) => matches(d, active));
  const filterCounts: Record<string, number> = {};
  for (const f of OVERVIEW_FILTERS) {
    const others = active.filter((a) => a.id !== f.id);
    filterCounts[f.id] = searched.filter((d) => f.test(d) && matches(d, others)).length;
  }
  const sorted = [...shown].sort((a, b) => OVERVIEW_SORTS[query.sort].compare(a, b) || OVERVIEW_SORTS.name.compare(a, b));
  const pages = Math.max(1, Math.ceil(sorted.length / OVERVIEW_PAGE_SIZE));
  const page = Math.min(query.page, pages);
  return {
    query: { ...query, page },
    total: all.length,
    matching: sorted.length,
    pages,
    filterCounts,
    rows: sorted.slice((page - 1) * OVERVIEW_PAGE_SIZE, page * OVERVIEW_PAGE_SIZE),
  };
}
