/**
 * The resources of a definition, one server-rendered page at a time: sort, filters, page and
 * page size are query parameters, so a definition with 10,000 resources renders only the rows
 * shown. Status chips are links (they filter at once); name, namespace and labels are a form.
 */
import Link from "next/link";
import { CopySha } from "@/components/ui/copy-sha";
import { RelativeTime } from "@/components/ui/relative-time";
import { DriftBadge, StatusBadge } from "@/components/ui/status-badge";
import { buttonClass } from "@/components/ui/button-class";
import { HealthBadge, HealthFilter } from "@/components/ui/health-badge";
import { resourceHref } from "@/lib/client/format";
import { RESOURCE_PAGE_SIZES, type ResourceListRow, type ResourceQuery } from "@/lib/api/views";
import { DRIFTED, STORED_SYNC_STATUSES } from "@/lib/api/vocabulary";
import { RowActions } from "@/components/resource/row-actions";

const statusFilters = ["", ...STORED_SYNC_STATUSES, DRIFTED];
const DEFAULT_SIZE = 50;

/** The table's URL for `q` changed by `patch`; any change but the page itself goes back to page 1. */
export function resourcesHref(base: string, q: ResourceQuery, patch: Partial<ResourceQuery>): string {
  const m = { ...q, page: 1, ...patch };
  const sp = new URLSearchParams();
  if (m.q) sp.set("q", m.q);
  if (m.status) sp.set("status", m.status);
  if (m.health) sp.set("health", m.health);
  if (m.ns !== null) sp.set("ns", m.ns);
  if (m.labels) sp.set("labels", m.labels);
  if (m.sort !== "name") sp.set("sort", m.sort);
  if (m.dir !== "asc") sp.set("dir", m.dir);
  if (m.size !== DEFAULT_SIZE) sp.set("size", String(m.size));
  if (m.page > 1) sp.set("page", String(m.page));
  const s = sp.toString();
  return s ? `${base}?${s}#resources-heading` : `${base}#resources-heading`;
}

function SortHeader({ label, col, base, q }: { label: string; col: ResourceQuery["sort"]; base: string; q: ResourceQuery }) {
  const active = q.sort === col;
  const nextDir = active && q.dir === "asc" ? "desc" : "asc";
  return (
    <th scope="col" aria-sort={active ? (q.dir === "asc" ? "ascending" : "descending") : "none"} className="px-3 py-2 font-medium">
      <Link href={resourcesHref(base, q, { sort: col, dir: nextDir })} className="inline-flex items-center gap-1 hover:underline" data-testid={`sort-${col}`}>
        {label}
        <span aria-hidden className="text-xs">
          {active ? (q.dir === "asc" ? "▲" : "▼") : "↕"}
        </span>
      </Link>
    </th>
  );
}

const inputClass = "mt-0.5 block rounded-md border border-slate-400 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900";

export function ResourcesTable({
  definition,
  rows,
  total,
  pages,
  labelError,
  query,
}: {
  definition: string;
  rows: ResourceListRow[];
  total: number;
  pages: number;
  labelError: string | null;
  query: ResourceQuery;
}) {
  const base = `/definitions/${encodeURIComponent(definition)}`;
  const page = Math.min(query.page, pages);
  const filtered = Boolean(query.q || query.status || query.health || query.ns !== null || query.labels);
  const first = total === 0 ? 0 : (page - 1) * query.size + 1;
  return (
    <section aria-labelledby="resources-heading" className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <h2 id="resources-heading" className="text-lg font-semibold">
          Resources{" "}
          <span className="text-sm font-normal text-slate-600 dark:text-slate-400" data-testid="resource-total">
            {total.toLocaleString("en-US")} matching
          </span>
        </h2>
        <form method="get" action={base} className="ml-auto flex flex-wrap items-end gap-2" role="search" aria-label="Filter resources">
          <label className="text-xs font-medium">
            Name contains
            <input name="q" defaultValue={query.q} placeholder="name contains…" className={`${inputClass} w-40`} />
          </label>
          <label className="text-xs font-medium">
            Namespace
            <input name="ns" defaultValue={query.ns ?? ""} placeholder="any" className={`${inputClass} w-32`} data-testid="ns-filter" />
          </label>
          <label className="text-xs font-medium">
            Labels
            <input
              name="labels"
              defaultValue={query.labels}
              placeholder="app=web,tier!=db"
              className={`${inputClass} w-44 font-mono`}
              aria-invalid={labelError ? true : undefined}
              aria-describedby={labelError ? "label-error" : undefined}
            />
          </label>
          {query.status ? <input type="hidden" name="status" value={query.status} /> : null}
          <HealthFilter value={query.health ?? ""} />
          {query.sort !== "name" ? <input type="hidden" name="sort" value={query.sort} /> : null}
          {query.dir !== "asc" ? <input type="hidden" name="dir" value={query.dir} /> : null}
          {query.size !== DEFAULT_SIZE ? <input type="hidden" name="size" value={query.size} /> : null}
          <button type="submit" className={buttonClass("secondary")}>
            Apply
          </button>
          {filtered ? (
            <Link href={resourcesHref(base, query, { q: "", status: "", ns: null, labels: "" })} className={buttonClass("secondary")}>
              Clear filters
            </Link>
          ) : null}
        </form>
      </div>
      {labelError ? (
        <p id="label-error" role="alert" className="text-sm text-red-700 dark:text-red-300">
          Label selector: {labelError}
        </p>
      ) : null}
      <nav aria-label="Filter by status" className="flex flex-wrap gap-1" data-testid="status-chips">
        {statusFilters.map((s) => {
          const on = query.status === s;
          return (
            <Link
              key={s || "all"}
              href={resourcesHref(base, query, { status: s })}
              aria-current={on ? "true" : undefined}
              data-status={s || "all"}
              className={`rounded-full px-3 py-1 text-sm ring-1 ring-inset ${
                on ? "bg-sky-700 text-white ring-sky-700" : "ring-slate-400 hover:bg-slate-100 dark:ring-slate-600 dark:hover:bg-slate-800"
              }`}
            >
              {s === "" ? "All" : s === DRIFTED ? "Drifted" : s}
            </Link>
          );
        })}
      </nav>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full min-w-[880px] text-left text-sm" data-testid="resources-table">
          <thead className="border-b border-slate-200 bg-slate-50 text-slate-700 dark:border-slate-800 dark:bg-slate-800/50 dark:text-slate-300">
            <tr>
              <SortHeader label="Namespace" col="namespace" base={base} q={query} />
              <SortHeader label="Name" col="name" base={base} q={query} />
              <SortHeader label="Sync status" col="status" base={base} q={query} />
              <SortHeader label="Health" col="health" base={base} q={query} />
              <SortHeader label="Last sync" col="synced" base={base} q={query} />
              <th scope="col" className="px-3 py-2 font-medium">
                Commit
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Sync error
              </th>
              <SortHeader label="Source" col="source" base={base} q={query} />
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={8} className="px-3 py-8 text-center text-slate-600 dark:text-slate-400">
                  {filtered ? "No resources match this filter." : "No resources yet. Run a sync to create them from Git."}
                </td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr
                  key={`${r.namespace}/${r.name}`}
                  data-testid="resource-row"
                  data-name={r.name}
                  data-namespace={r.namespace}
                  data-status={r.syncStatus}
                  data-drifted={r.drifted}
                  data-health={r.health ?? ""}
                  className="border-t border-slate-100 align-top dark:border-slate-800"
                >
                  <td className="px-3 py-2 text-slate-700 dark:text-slate-400">{r.namespace || <span className="text-slate-600">(cluster)</span>}</td>
                  <td className="px-3 py-2 font-medium">
                    <Link href={resourceHref(definition, r.namespace, r.name)} className="text-sky-700 hover:underline dark:text-sky-300">
                      {r.name}
                    </Link>
                  </td>
                  <td className="px-3 py-2">
                    <span className="flex flex-wrap gap-1">
                      <StatusBadge status={r.syncStatus} />
                      {r.drifted ? <DriftBadge /> : null}
                      <RowActions href={resourceHref(definition, r.namespace, r.name)} syncStatus={r.syncStatus} drifted={r.drifted} />
                    </span>
                  </td>
                  <td className="px-3 py-2">
                    <HealthBadge health={r.health} message={r.healthMessage} />
                  </td>
                  <td className="px-3 py-2">
                    <RelativeTime iso={r.lastSyncTime} />
                  </td>
                  <td className="px-3 py-2" data-testid="commit-cell" data-sha={r.lastCommitSHA ?? ""}>
                    <CopySha sha={r.lastCommitSHA} />
                  </td>
                  <td className="max-w-xs px-3 py-2">
                    {r.syncError ? (
                      <details>
                        <summary className="cursor-pointer truncate text-red-700 dark:text-red-300">{r.syncError.slice(0, 60)}</summary>
                        <p className="mt-1 whitespace-pre-wrap break-words font-mono text-xs">{r.syncError}</p>
                      </details>
                    ) : (
                      <span className="text-slate-500">—</span>
                    )}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs text-slate-700 dark:text-slate-400">
                    {r.sourcePath ? `${r.sourcePath}${r.sourceLine ? `:${r.sourceLine}` : ""}` : "—"}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pagination" className="flex flex-wrap items-center gap-2 text-sm">
        {page > 1 ? (
          <Link href={resourcesHref(base, query, { page: page - 1 })} className={buttonClass("secondary")} data-testid="prev-page">
            ← Previous
          </Link>
        ) : (
          <span className={`${buttonClass("secondary")} cursor-not-allowed text-slate-500`} aria-disabled="true">
            ← Previous
          </span>
        )}
        <span data-testid="page-of" className="tabular-nums">
          Page {page.toLocaleString("en-US")} of {pages.toLocaleString("en-US")}
        </span>
        {page < pages ? (
          <Link href={resourcesHref(base, query, { page: page + 1 })} className={buttonClass("secondary")} data-testid="next-page">
            Next →
          </Link>
        ) : (
          <span className={`${buttonClass("secondary")} cursor-not-allowed text-slate-500`} aria-disabled="true">
            Next →
          </span>
        )}
        <span className="text-slate-600 dark:text-slate-400">
          {total === 0
            ? "No rows"
            : `Rows ${first.toLocaleString("en-US")}–${(first + rows.length - 1).toLocaleString("en-US")} of ${total.toLocaleString("en-US")}`}
        </span>
        <span className="ml-auto flex items-center gap-1" aria-label="Rows per page">
          <span className="text-slate-600 dark:text-slate-400">Per page:</span>
          {RESOURCE_PAGE_SIZES.map((n) =>
            n === query.size ? (
              <span key={n} aria-current="true" className="rounded px-2 py-0.5 font-semibold ring-1 ring-slate-400" data-testid="page-size-current">
                {n}
              </span>
            ) : (
              <Link key={n} href={resourcesHref(base, query, { size: n })} className="rounded px-2 py-0.5 text-sky-700 hover:underline dark:text-sky-300">
                {n}
              </Link>
            ),
          )}
        </span>
      </nav>
    </section>
  );
}
