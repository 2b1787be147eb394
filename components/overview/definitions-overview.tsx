"use client";
/**
 * Overview: every definition with status, counts, last run and active run. Search, filters
 * (lib/api/overview.ts, one entry each), sort, cards or a compact table, and the page are all in
 * the URL; the server filters and pages, so 1,000 definitions render 50 at a time. `/` focuses search.
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import type { DefinitionSummary } from "@/lib/api/views";
import { OVERVIEW_FILTERS, OVERVIEW_SORTS, overviewHref, type OverviewPage, type OverviewSort } from "@/lib/api/overview";
import { StatusCounts } from "@/components/overview/status-counts";
import { LastRun } from "@/components/overview/last-run";
import { DefinitionHealthBadge } from "@/components/overview/health-badge";
import { GitHeadLine } from "@/components/overview/git-head-line";
import { ProblemCounts } from "@/components/overview/problem-counts";
import { CardActions } from "@/components/overview/card-actions";
import { RunProgress } from "@/components/runs/run-progress";
import { Badge, StatusBadge } from "@/components/ui/status-badge";
import { GateBadges } from "@/components/gates/gate-badge";
import { CopySha } from "@/components/ui/copy-sha";
import { buttonClass } from "@/components/ui/button-class";

/** `/` focuses the element unless the person is typing somewhere. */
function useSlashFocus(ref: React.RefObject<HTMLInputElement | null>) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName))) return;
      e.preventDefault();
      ref.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [ref]);
}

export function DefinitionsOverview({ page, role }: { page: OverviewPage; role: string }) {
  const router = useRouter();
  const { query } = page;
  const isAdmin = role === "admin";
  const searchRef = useRef<HTMLInputElement>(null);
  useSlashFocus(searchRef);

  if (page.total === 0) {
    return (
      <section className="rounded-xl border border-dashed border-slate-300 p-10 text-center dark:border-slate-700" data-testid="empty-state">
        <h1 className="text-xl font-semibold">No definitions yet</h1>
        <p className="mx-auto mt-2 max-w-2xl text-slate-600 dark:text-slate-400">
          A definition is a ResourceDefinition with a <code>gitops</code> section (repoURL, branch, path). Add one
          {isAdmin ? (
            <>
              {" "}
              <Link href="/admin/definitions/new" className="text-sky-700 underline dark:text-sky-300">
                in the editor
              </Link>
              ,
            </>
          ) : null}{" "}
          with <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">syncline resource definition add --spec FILE</code> or{" "}
          <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">POST /api/v1/definitions</code>.
        </p>
        {isAdmin ? (
          <Link href="/admin/definitions/new" className={`${buttonClass("primary")} mt-4`}>
            Add a definition
          </Link>
        ) : null}
      </section>
    );
  }

  const toggle = (id: string) => overviewHref(query, { filters: query.filters.includes(id) ? query.filters.filter((f) => f !== id) : [...query.filters, id] });

  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Definitions</h1>
        <span className="text-sm text-slate-600 dark:text-slate-400" data-testid="overview-matching">
          {page.matching === page.total
            ? `${page.total.toLocaleString("en-US")}`
            : `${page.matching.toLocaleString("en-US")} of ${page.total.toLocaleString("en-US")}`}
        </span>
        {isAdmin ? (
          <Link href="/admin/definitions/new" className={`${buttonClass("secondary")} ml-auto`}>
            + Add definition
          </Link>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <nav aria-label="Filters" className="flex flex-wrap gap-1" data-testid="overview-filters">
          <Link
            href={overviewHref(query, { filters: [] })}
            aria-current={query.filters.length === 0 ? "true" : undefined}
            className={chipClass(query.filters.length === 0)}
          >
            All <span className="tabular-nums">{page.total.toLocaleString("en-US")}</span>
          </Link>
          {OVERVIEW_FILTERS.map((f) => {
            const on = query.filters.includes(f.id);
            const n = page.filterCounts[f.id] ?? 0;
            return (
              <Link key={f.id} href={toggle(f.id)} aria-current={on ? "true" : undefined} data-filter={f.id} className={chipClass(on)}>
                {on ? <span aria-hidden>✓ </span> : null}
                {f.label} <span className="tabular-nums">{n.toLocaleString("en-US")}</span>
              </Link>
            );
          })}
        </nav>
        <form
          role="search"
          className="ml-auto flex items-center gap-2 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            router.push(overviewHref(query, { q: (searchRef.current?.value ?? "").trim() }));
          }}
        >
          <label>
            <span className="sr-only">Search definitions by name or kind</span>
            <input
              ref={searchRef}
              type="search"
              key={query.q}
              defaultValue={query.q}
              name="q"
              onKeyDown={(e) => {
                if (e.key !== "Enter") return;
                e.preventDefault();
                router.push(overviewHref(query, { q: e.currentTarget.value.trim() }));
              }}
              placeholder="Search…  (press /)"
              aria-keyshortcuts="/"
              data-testid="overview-search"
              className="w-56 max-w-full rounded-md border border-slate-400 bg-white px-3 py-1.5 dark:border-slate-600 dark:bg-slate-900"
            />
          </label>
          <label className="flex items-center gap-1">
            <span className="text-slate-600 dark:text-slate-400">Sort</span>
            <select
              value={query.sort}
              onChange={(e) => router.push(overviewHref(query, { sort: e.target.value as OverviewSort }))}
              data-testid="overview-sort"
              className="rounded-md border border-slate-400 bg-white px-2 py-1.5 dark:border-slate-600 dark:bg-slate-900"
            >
              {Object.entries(OVERVIEW_SORTS).map(([k, s]) => (
                <option key={k} value={k}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <span role="group" aria-label="View" className="inline-flex overflow-hidden rounded-md ring-1 ring-slate-400 dark:ring-slate-600">
            {(["cards", "table"] as const).map((v) => (
              <Link
                key={v}
                href={overviewHref(query, { view: v, page: query.page })}
                aria-current={query.view === v ? "true" : undefined}
                data-testid={`view-${v}`}
                className={`px-2.5 py-1.5 ${query.view === v ? "bg-sky-700 text-white" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}
              >
                {v === "cards" ? "Cards" : "Table"}
              </Link>
            ))}
          </span>
        </form>
      </div>
      {page.rows.length === 0 ? (
        <p className="py-6 text-center text-slate-600 dark:text-slate-400">
          No definition matches.{" "}
          <Link href="/" className="underline">
            Clear search and filters
          </Link>
        </p>
      ) : query.view === "table" ? (
        <OverviewTable rows={page.rows} role={role} />
      ) : (
        <ul className="grid gap-3" data-testid="definition-list">
          {page.rows.map((d) => (
            <DefinitionCard key={d.name} d={d} role={role} onRunEnd={() => router.refresh()} />
          ))}
        </ul>
      )}
      {page.pages > 1 ? (
        <nav aria-label="Pages" className="flex items-center gap-2 text-sm">
          {query.page > 1 ? (
            <Link href={overviewHref(query, { page: query.page - 1 })} className={buttonClass("secondary")}>
              ← Previous
            </Link>
          ) : null}
          <span className="tabular-nums" data-testid="overview-page-of">
            Page {query.page} of {page.pages}
          </span>
          {query.page < page.pages ? (
            <Link href={overviewHref(query, { page: query.page + 1 })} className={buttonClass("secondary")}>
              Next →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}

function chipClass(on: boolean): string {
  return `rounded-full px-3 py-1 text-sm ring-1 ring-inset ${
    on ? "bg-sky-700 text-white ring-sky-700" : "ring-slate-400 hover:bg-slate-100 dark:ring-slate-600 dark:hover:bg-slate-800"
  }`;
}

function DefinitionCard({ d, role, onRunEnd }: { d: DefinitionSummary; role: string; onRunEnd: () => void }) {
  return (
    <li
      data-testid="definition-row"
      data-name={d.name}
      data-status={d.status}
      className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center gap-2">
        <Link href={`/definitions/${encodeURIComponent(d.name)}`} className="text-base font-semibold text-sky-700 hover:underline dark:text-sky-300">
          {d.name}
        </Link>
        <StatusBadge status={d.status} />
        <DefinitionHealthBadge d={d} />
        <Badge tone={d.automated ? "blue" : "gray"} icon={d.automated ? "⟳" : "▷"}>
          {d.automated ? "automated" : "manual"}
        </Badge>
        {d.production ? (
          <Badge tone="red" icon="★">
            production
          </Badge>
        ) : null}
        {d.pinnedRevision ? (
          <Badge tone="amber" icon="⚑" title={`Pinned by ${d.pinnedBy ?? "someone"} after a rollback`}>
            pinned <span className="font-mono">{d.pinnedRevision.slice(0, 7)}</span>
          </Badge>
        ) : null}
        {d.suspendedReason !== null ? (
          <Badge tone="amber" icon="⏸" title={d.suspendedReason || undefined}>
            suspended
          </Badge>
        ) : null}
        <GateBadges d={d} />
        <span className="ml-auto text-sm text-slate-600 dark:text-slate-400">
          {d.total.toLocaleString("en-US")} {d.total === 1 ? "resource" : "resources"}
        </span>
      </div>
      <p className="mt-1 break-all text-sm text-slate-600 dark:text-slate-400">
        <span className="font-mono">{d.kind}</span> ·{" "}
        {d.gitops ? (
          <span className="font-mono">
            {d.gitops.repoURL} @ {d.gitops.branch} {d.gitops.path}
          </span>
        ) : (
          "no gitops section"
        )}
        {d.syncedCommit ? (
          <>
            {" "}
            · applied <CopySha sha={d.syncedCommit} />
          </>
        ) : null}
      </p>
      <GitHeadLine git={d.git} role={role === "admin" ? "admin" : undefined} />
      <div className="mt-2 flex flex-wrap items-center gap-x-6 gap-y-2">
        <StatusCounts counts={d.counts} />
        <ProblemCounts summary={d} />
        <div className="text-sm">
          <span className="mr-1 text-slate-600 dark:text-slate-400">Last run:</span>
          <LastRun run={d.lastRun} />
        </div>
        {d.activeRun ? (
          <div className="min-w-48">
            <RunProgress runId={d.activeRun.id} initial={d.activeRun} compact onEnd={onRunEnd} />
          </div>
        ) : null}
        <div className="ml-auto">
          <CardActions d={d} role={role} />
        </div>
      </div>
    </li>
  );
}

function OverviewTable({ rows, role }: { rows: DefinitionSummary[]; role: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className="w-full min-w-[760px] text-left text-sm" data-testid="overview-table">
        <thead className="border-b border-slate-200 bg-slate-50 text-slate-700 dark:border-slate-800 dark:bg-slate-800/50 dark:text-slate-300">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              Name
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Status
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Resources
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Problems
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Last run
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Actions
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.name} data-testid="definition-table-row" data-name={d.name} className="border-t border-slate-100 align-middle dark:border-slate-800">
              <td className="px-3 py-1.5 font-medium">
                <Link href={`/definitions/${encodeURIComponent(d.name)}`} className="text-sky-700 hover:underline dark:text-sky-300">
                  {d.name}
                </Link>
                <span className="ml-2 text-xs text-slate-600 dark:text-slate-400">
                  {[
                    d.production ? "production" : "",
                    d.automated ? "automated" : "",
                    d.pinnedRevision ? "pinned" : "",
                    d.suspendedReason !== null ? "suspended" : "",
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </span>
              </td>
              <td className="px-3 py-1.5">
                <span className="flex flex-wrap gap-1">
                  <StatusBadge status={d.status} />
                  <DefinitionHealthBadge d={d} />
                  <GateBadges d={d} />
                </span>
              </td>
              <td className="px-3 py-1.5 text-right tabular-nums">{d.total.toLocaleString("en-US")}</td>
              <td className="px-3 py-1.5">
                <StatusCounts counts={d.counts} only={["Error", "OutOfSync", "Missing", "drifted"]} />
              </td>
              <td className="px-3 py-1.5">
                <LastRun run={d.lastRun} />
              </td>
              <td className="px-3 py-1.5">
                <CardActions d={d} role={role} compact />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
