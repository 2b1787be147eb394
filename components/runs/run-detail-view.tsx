"use client";
/**
 * One run, in reading order for a big run: summary (header, counts), Errors, Log, then the
 * changes paged and filtered in place (run-changes.tsx). Polls the run (without changes) while active.
 */
import Link from "next/link";
import { RunOutcomeBadge } from "@/components/runs/run-outcome-badge";
import { FileProblemItems } from "@/components/runs/file-problem-items";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useQuery } from "@tanstack/react-query";
import { fetchRun, useRun } from "@/lib/client/use-run";
import { queryKeys } from "@/lib/client/query-keys";
import { RunChanges } from "@/components/runs/run-changes";
import { isActivePhase, type RunDetail } from "@/lib/client/run-types";
import { PlanCounts } from "@/components/definition/plan-summary";
import { RunProgress } from "@/components/runs/run-progress";
import { Alert } from "@/components/ui/alert";
import { CopySha } from "@/components/ui/copy-sha";
import { RelativeTime } from "@/components/ui/relative-time";
import { DryRunBadge } from "@/components/ui/status-badge";
import { formatDuration } from "@/lib/client/format";

const ERRORS_SHOWN = 200;

/** `initial`: the run without changes; `errors`: its changes with an error; `firstChanges`: the first page of changes. */
export function RunDetailView({ initial, errors, firstChanges }: { initial: RunDetail; errors: RunDetail; firstChanges: RunDetail }) {
  const router = useRouter();
  const q = useRun(initial.id, { initial, limit: 0 });
  const run = q.data ?? initial;
  const errorsQ = useQuery({
    queryKey: queryKeys.runErrors(initial.id),
    queryFn: () => fetchRun(initial.id, { limit: ERRORS_SHOWN, errors: true }),
    initialData: errors,
    enabled: !isActivePhase(run.phase),
  });
  const wasActive = useRef(isActivePhase(initial.phase));
  useEffect(() => {
    if (wasActive.current && !isActivePhase(run.phase)) {
      wasActive.current = false;
      router.refresh();
    }
  }, [run.phase, router]);
  const base = `/definitions/${encodeURIComponent(run.definition)}`;
  const problems = errorsQ.data?.changes ?? [];
  const problemsTotal = errorsQ.data?.changesTotal ?? 0;
  return (
    <div className="space-y-5" data-testid="run-detail" data-phase={run.phase}>
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600 dark:text-slate-400">
        <Link href="/" className="hover:underline">
          Definitions
        </Link>{" "}
        /{" "}
        <Link href={base} className="hover:underline">
          {run.definition}
        </Link>{" "}
        /{" "}
        <Link href={`${base}/runs`} className="hover:underline">
          Runs
        </Link>{" "}
        / <span className="font-mono">{run.id.slice(0, 8)}</span>
      </nav>
      <header className="space-y-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">
            {run.dryRun ? "Dry-run" : run.trigger === "rollback" ? "Rollback" : "Sync"} of {run.definition}
          </h1>
          <RunOutcomeBadge run={run} />
          {run.dryRun ? <DryRunBadge /> : null}
        </div>
        <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr] md:grid-cols-[auto_1fr_auto_1fr]">
          <dt className="text-slate-500">Commit</dt>
          <dd data-testid="run-commit">
            <CopySha sha={run.commit} /> <span className="text-slate-600 dark:text-slate-400">{run.commitMessage?.split("\n")[0]}</span>
          </dd>
          <dt className="text-slate-500">Triggered</dt>
          <dd>
            {run.trigger} by {run.initiator}, <RelativeTime iso={run.createdAt} />
          </dd>
          <dt className="text-slate-500">Duration</dt>
          <dd>{formatDuration(run.durationMs)}</dd>
          <dt className="text-slate-500">Resources</dt>
          <dd>{run.total} planned</dd>
        </dl>
        {isActivePhase(run.phase) ? <RunProgress runId={run.id} initial={run} /> : null}
        <PlanCounts counts={run.counts} />
        {run.dryRun ? <Alert kind="info">A dry-run records what a sync would do. Nothing was written to the store.</Alert> : null}
        {run.error ? <Alert title="The run failed">{run.error}</Alert> : null}
        {q.error ? <Alert kind="warning">Live updates paused: {(q.error as Error).message}</Alert> : null}
      </header>

      {problems.length > 0 || (run.fileProblems ?? []).length > 0 ? (
        <section aria-label="Errors" id="errors" className="space-y-1" data-testid="run-errors-section">
          <h2 className="text-lg font-semibold">
            Errors{" "}
            <span className="text-sm font-normal text-slate-600 dark:text-slate-400">
              {(problemsTotal + (run.fileProblems ?? []).length).toLocaleString("en-US")}
            </span>
          </h2>
          <ul
            className="space-y-1 rounded-lg border border-red-200 bg-red-50 p-3 font-mono text-xs text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
            data-testid="run-errors"
          >
            <FileProblemItems problems={run.fileProblems ?? []} />
            {problems.map((c) => (
              <li key={`${c.namespace}/${c.name}`}>
                {c.error!.startsWith(c.sourcePath ?? "\u0000")
                  ? c.error
                  : `${c.sourcePath ? `${c.sourcePath}${c.sourceLine ? `:${c.sourceLine}` : ""}: ` : ""}${c.kind} ${c.namespace ? `${c.namespace}/` : ""}${c.name}: ${c.error}`}
              </li>
            ))}
            {problemsTotal > problems.length ? (
              <li className="font-sans">…and {(problemsTotal - problems.length).toLocaleString("en-US")} more: filter the changes below by “invalid”.</li>
            ) : null}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="log-heading">
        <h2 id="log-heading" className="mb-2 text-lg font-semibold">
          Log
        </h2>
        <pre
          className="max-h-72 overflow-auto whitespace-pre-wrap break-words rounded-lg bg-slate-900 p-3 font-mono text-xs text-slate-100"
          data-testid="run-log"
          tabIndex={0}
          aria-labelledby="log-heading"
        >
          {run.log.length ? run.log.join("\n") : "(no log yet)"}
        </pre>
      </section>

      {/* the server's first page is only the answer when the run had already ended when the page was rendered */}
      <RunChanges key={run.phase} run={run} initial={isActivePhase(run.phase) || isActivePhase(initial.phase) ? null : firstChanges} />
    </div>
  );
}
