/**
 * The resources of a definition, one server-rendered page at a time: sort, filter and search
 * are query parameters, so a definition with 10,000 resources renders only the rows shown.
 */
import Link from "next/link";
import { CopySha } from "@/components/ui/copy-sha";
import { RelativeTime } from "@/components/ui/relative-time";
import { DriftBadge, StatusBadge } from "@/components/ui/status-badge";
import { buttonClass } from "@/components/ui/button-class";
import { HealthBadge, HealthFilter } from "@/components/ui/health-badge";
import { resourceHref } from "@/lib/client/format";
import type { ResourceListRow, ResourceQuery } from "@/lib/api/views";
import { DRIFTED, STORED_SYNC_STATUSES } from "@/lib/api/vocabulary";
import { RowActions } from "@/components/resource/row-actions";

const statusFilters = ["", ...STORED_SYNC_STATUSES, DRIFTED];

function hrefWith(base: string, q: ResourceQuery, patch: Partial<ResourceQuery>): string {
  const m = { ...q, after: null, ...patch };
  const sp = new URLSearchParams();
  if (m.q) sp.set("q", m.q);
  if (m.status) sp.set("status", m.status);
  if (m.health) sp.set("health", m.health);
  if (m.sort !== "name") sp.set("sort", m.sort);
  if (m.dir !== "asc") sp.set("dir", m.dir);
  if (m.after) sp.set("after", m.after);
  const s = sp.toString();
  return s ? `${base}?${s}` : base;
}

function SortHeader({ label, col, base, q }: { label: string; col: ResourceQuery["sort"]; base: string; q: ResourceQuery }) {
  const active = q.sort === col;
  const nextDir = active && q.dir === "asc" ? "desc" : "asc";
  return (
    <th scope="col" aria-sort={active ? (q.dir === "asc" ? "ascending" : "descending") : "none"} className="px-3 py-2 font-medium">
      <Link href={hrefWith(base, q, { sort: col, dir: nextDir })} className="inline-flex items-center gap-1 hover:underline">
        {label}
        <span aria-hidden className="text-xs">
          {active ? (q.dir === "asc" ? "▲" : "▼") : "↕"}
        </span>
      </Link>
    </th>
  );
}

export function ResourcesTable({
  definition,
  rows,
  total,
  query,
  nextCursor,
}: {
  definition: string;
  rows: ResourceListRow[];
  total: number;
  query: ResourceQuery;
  nextCursor: string | null;
}) {
  const base = `/definitions/${encodeURIComponent(definition)}`;
  return (
    <section aria-labelledby="resources-heading" className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <h2 id="resources-heading" className="text-lg font-semibold">
          Resources{" "}
          <span className="text-sm font-normal text-slate-500" data-testid="resource-total">
            {total.toLocaleString("en-US")} matching
          </span>
        </h2>
        <form method="get" action={base} className="ml-auto flex flex-wrap items-end gap-2" role="search">
          <label className="text-xs font-medium">
            Search name
            <input
              name="q"
              defaultValue={query.q}
              placeholder="name contains…"
              className="mt-0.5 block w-44 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
            />
          </label>
          <label className="text-xs font-medium">
            Status
            <select
              name="status"
              defaultValue={query.status}
              className="mt-0.5 block rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
            >
              {statusFilters.map((s) => (
                <option key={s} value={s}>
                  {s === "" ? "all" : s === "drifted" ? "drifted only" : s}
                </option>
              ))}
            </select>
          </label>
          <HealthFilter value={query.health ?? ""} />
          {query.sort !== "name" ? <input type="hidden" name="sort" value={query.sort} /> : null}
          {query.dir !== "asc" ? <input type="hidden" name="dir" value={query.dir} /> : null}
          <button type="submit" className={buttonClass("secondary")}>
            Apply
          </button>
        </form>
      </div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full min-w-[880px] text-left text-sm" data-testid="resources-table">
          <thead className="border-b border-slate-200 bg-slate-50 text-slate-600 dark:border-slate-800 dark:bg-slate-800/50 dark:text-slate-300">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                Namespace
              </th>
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
                <td colSpan={8} className="px-3 py-8 text-center text-slate-500">
                  {query.q || query.status || query.health ? "No resources match this filter." : "No resources yet. Run a sync to create them from Git."}
                </td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr
                  key={`${r.namespace}/${r.name}`}
                  data-testid="resource-row"
                  data-name={r.name}
                  data-status={r.syncStatus}
                  data-drifted={r.drifted}
                  data-health={r.health ?? ""}
                  className="border-t border-slate-100 align-top dark:border-slate-800"
                >
                  <td className="px-3 py-2 text-slate-600 dark:text-slate-400">{r.namespace || <span className="text-slate-400">(cluster)</span>}</td>
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
                      <span className="text-slate-400">—</span>
                    )}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs text-slate-600 dark:text-slate-400">
                    {r.sourcePath ? `${r.sourcePath}${r.sourceLine ? `:${r.sourceLine}` : ""}` : "—"}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pagination" className="flex items-center gap-2 text-sm">
        {query.after ? (
          <Link href={hrefWith(base, query, { after: null })} className={buttonClass("secondary")}>
            ⇤ First page
          </Link>
        ) : null}
        {nextCursor ? (
          <Link href={hrefWith(base, query, { after: nextCursor })} className={buttonClass("secondary")} data-testid="next-page">
            Next page →
          </Link>
        ) : null}
        <span className="text-slate-500">
          Showing {rows.length} of {total.toLocaleString("en-US")}
        </span>
      </nav>
    </section>
  );
}
