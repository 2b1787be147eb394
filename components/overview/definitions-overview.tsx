"use client";
/** Overview: every definition with status, counts, last run and active run; filter and search. */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import type { DefinitionSummary } from "@/lib/api/views";
import { StatusCounts } from "@/components/overview/status-counts";
import { LastRun } from "@/components/overview/last-run";
import { DefinitionHealthBadge, OverviewHealthFilter, matchesHealth } from "@/components/overview/health-badge";
import { GitHeadLine } from "@/components/overview/git-head-line";
import { ProblemCounts } from "@/components/overview/problem-counts";
import { RunProgress } from "@/components/runs/run-progress";
import { Badge, StatusBadge } from "@/components/ui/status-badge";
import { GateBadges } from "@/components/gates/gate-badge";
import { CopySha } from "@/components/ui/copy-sha";
import { buttonClass } from "@/components/ui/button-class";
import { DEFINITION_SYNC_STATUSES } from "@/lib/api/vocabulary";

const filters = ["all", ...DEFINITION_SYNC_STATUSES] as const;

export function DefinitionsOverview({ definitions, isAdmin }: { definitions: DefinitionSummary[]; isAdmin: boolean }) {
  const router = useRouter();
  const [filter, setFilter] = useState<(typeof filters)[number]>("all");
  const [search, setSearch] = useState("");
  const [health, setHealth] = useState("");
  const shown = useMemo(
    () =>
      definitions.filter(
        (d) => (filter === "all" || d.status === filter) && matchesHealth(d, health) && d.name.toLowerCase().includes(search.trim().toLowerCase()),
      ),
    [definitions, filter, search, health],
  );

  if (definitions.length === 0) {
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

  const countOf = (f: (typeof filters)[number]) => (f === "all" ? definitions.length : definitions.filter((d) => d.status === f).length);

  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Definitions</h1>
        {isAdmin ? (
          <Link href="/admin/definitions/new" className={`${buttonClass("secondary")} ml-auto`}>
            + Add definition
          </Link>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <div role="group" aria-label="Filter by status" className="flex flex-wrap gap-1">
          {filters.map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={filter === f}
              onClick={() => setFilter(f)}
              className={`rounded-full px-3 py-1 text-sm ring-1 ring-inset ${filter === f ? "bg-sky-600 text-white ring-sky-600" : "ring-slate-300 hover:bg-slate-100 dark:ring-slate-700 dark:hover:bg-slate-800"}`}
            >
              {f === "all" ? "All" : f} <span className="tabular-nums opacity-80">{countOf(f)}</span>
            </button>
          ))}
        </div>
        <OverviewHealthFilter value={health} onChange={setHealth} />
        <label className="ml-auto text-sm">
          <span className="sr-only">Search definitions by name</span>
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Search by name…"
            className="w-64 max-w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 dark:border-slate-700 dark:bg-slate-900"
          />
        </label>
      </div>
      {shown.length === 0 ? <p className="py-6 text-center text-slate-500">No definition matches.</p> : null}
      <ul className="grid gap-3" data-testid="definition-list">
        {shown.map((d) => (
          <li
            key={d.name}
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
              <GateBadges d={d} />
              <span className="ml-auto text-sm text-slate-500">{d.total.toLocaleString("en-US")} resources</span>
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
            <GitHeadLine git={d.git} role={isAdmin ? "admin" : undefined} />
            <div className="mt-2 flex flex-wrap items-center gap-x-6 gap-y-2">
              <StatusCounts counts={d.counts} />
              <ProblemCounts summary={d} />
              <div className="text-sm">
                <span className="mr-1 text-slate-500">Last run:</span>
                <LastRun run={d.lastRun} />
              </div>
              {d.activeRun ? (
                <div className="min-w-48">
                  <RunProgress runId={d.activeRun.id} initial={d.activeRun} compact onEnd={() => router.refresh()} />
                </div>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
