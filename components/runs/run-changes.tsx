"use client";
/**
 * A run's changes, one page at a time from GET /api/v1/runs/{id}: filter by action and name,
 * Previous/Next with "page N of M". A run with 10,000 changes loads 50 at a time.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ChangeDiff } from "@/components/diff/change-diff";
import { buttonClass } from "@/components/ui/button-class";
import { fetchRun } from "@/lib/client/use-run";
import { queryKeys, RUN_CHANGES_PAGE, type RunChangesQuery } from "@/lib/client/query-keys";
import { isActivePhase, type RunDetail } from "@/lib/client/run-types";
import { CHANGE_ACTIONS } from "@/lib/api/vocabulary";

export function RunChanges({ run, initial }: { run: RunDetail; initial: RunDetail | null }) {
  const [q, setQ] = useState<RunChangesQuery>({ action: "", name: "", page: 1, size: RUN_CHANGES_PAGE });
  const [nameInput, setNameInput] = useState("");
  const isFirst = q.action === "" && q.name === "" && q.page === 1;
  const changes = useQuery({
    queryKey: queryKeys.runChanges(run.id, q),
    queryFn: () =>
      fetchRun(run.id, {
        limit: q.size,
        offset: (q.page - 1) * q.size,
        ...(q.action ? { actions: [q.action] } : {}),
        ...(q.name ? { name: q.name } : {}),
      }),
    initialData: isFirst && initial ? initial : undefined,
    placeholderData: keepPreviousData,
    enabled: !isActivePhase(run.phase),
  });
  const data = changes.data;
  const total = data?.changesTotal ?? 0;
  const pages = Math.max(1, Math.ceil(total / q.size));
  const counts = run.counts as Record<string, number>;
  return (
    <section aria-labelledby="changes-heading" className="space-y-2">
      <h2 id="changes-heading" className="text-lg font-semibold">
        Changes{" "}
        <span className="text-sm font-normal text-slate-600 dark:text-slate-400" data-testid="changes-total">
          {total.toLocaleString("en-US")}
          {q.action || q.name ? " matching" : ""}
        </span>
      </h2>
      <div className="flex flex-wrap items-end gap-2">
        <div role="group" aria-label="Filter changes by action" className="flex flex-wrap gap-1">
          {["", ...CHANGE_ACTIONS].map((a) => {
            const n = a ? (counts[a] ?? 0) : null;
            if (a && !n && q.action !== a) return null;
            return (
              <button
                key={a || "all"}
                type="button"
                aria-pressed={q.action === a}
                data-action={a || "all"}
                onClick={() => setQ({ ...q, action: a, page: 1 })}
                className={`rounded-full px-3 py-1 text-sm ring-1 ring-inset ${
                  q.action === a ? "bg-sky-700 text-white ring-sky-700" : "ring-slate-400 hover:bg-slate-100 dark:ring-slate-600 dark:hover:bg-slate-800"
                }`}
              >
                {a || "All"}
                {n !== null ? <span className="ml-1 tabular-nums">{n.toLocaleString("en-US")}</span> : null}
              </button>
            );
          })}
        </div>
        <form
          role="search"
          aria-label="Filter changes by name"
          className="ml-auto flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            setQ({ ...q, name: nameInput.trim(), page: 1 });
          }}
        >
          <label className="text-xs font-medium">
            Name contains
            <input
              value={nameInput}
              onChange={(e) => setNameInput(e.target.value)}
              className="mt-0.5 block w-44 rounded-md border border-slate-400 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900"
              data-testid="changes-name-filter"
            />
          </label>
          <button type="submit" className={buttonClass("secondary")}>
            Filter
          </button>
        </form>
      </div>
      {isActivePhase(run.phase) ? <p className="text-sm text-slate-600 dark:text-slate-400">Changes appear when the run ends.</p> : null}
      {changes.error ? <p role="alert">Could not load the changes: {(changes.error as Error).message}</p> : null}
      {data && data.changes.length === 0 && !isActivePhase(run.phase) ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">{q.action || q.name ? "No change matches this filter." : "No resource changed."}</p>
      ) : null}
      <div className="space-y-2" aria-busy={changes.isFetching} data-testid="changes-list">
        {(data?.changes ?? []).map((c, i) => (
          <ChangeDiff key={`${c.kind}/${c.namespace}/${c.name}`} change={c} defaultOpen={q.page === 1 && i < 3} />
        ))}
      </div>
      {total > q.size ? (
        <nav aria-label="Changes pages" className="flex items-center gap-2 text-sm">
          <button type="button" className={buttonClass("secondary")} disabled={q.page <= 1} onClick={() => setQ({ ...q, page: q.page - 1 })}>
            ← Previous
          </button>
          <span data-testid="changes-page-of" className="tabular-nums">
            Page {q.page.toLocaleString("en-US")} of {pages.toLocaleString("en-US")}
          </span>
          <button
            type="button"
            className={buttonClass("secondary")}
            disabled={q.page >= pages}
            onClick={() => setQ({ ...q, page: q.page + 1 })}
            data-testid="changes-next"
          >
            Next →
          </button>
        </nav>
      ) : null}
    </section>
  );
}
