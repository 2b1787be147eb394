"use client";
/** Live progress of an active run (react-query polling); calls onEnd once when it finishes. */
import Link from "next/link";
import { useEffect, useRef } from "react";
import { useRun } from "@/lib/client/use-run";
import { isActivePhase, type RunSummary } from "@/lib/client/run-types";
import { StatusBadge } from "@/components/ui/status-badge";

export function RunProgress({
  runId,
  initial,
  onEnd,
  compact,
}: {
  runId: string;
  initial?: RunSummary | null;
  onEnd?: (run: RunSummary) => void;
  compact?: boolean;
}) {
  const q = useRun(runId, { limit: 1, initial: initial ? { ...initial, log: [], fileProblems: [], changes: [], changesTotal: 0 } : undefined });
  const run = q.data;
  const ended = useRef(false);
  useEffect(() => {
    if (run && !isActivePhase(run.phase) && !ended.current) {
      ended.current = true;
      onEnd?.(run);
    }
  }, [run, onEnd]);
  if (q.error && (!run || isActivePhase(run.phase))) {
    return (
      <span role="alert" className="text-sm text-red-700 dark:text-red-300">
        Progress unavailable: {(q.error as Error).message} —{" "}
        <Link href={`/runs/${runId}`} className="underline">
          open the run
        </Link>
      </span>
    );
  }
  if (!run) return <span className="text-sm text-slate-500">Starting run…</span>;
  const done = run.progress?.done ?? run.done;
  const total = run.progress?.total ?? run.total;
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : null;
  const stage = run.progress?.phase ?? run.phase;
  return (
    <div data-testid="run-progress" data-run-id={run.id} data-phase={run.phase} className={compact ? "text-xs" : "text-sm"}>
      <div className="flex flex-wrap items-center gap-2">
        <StatusBadge status={run.phase} />
        {run.dryRun ? <span className="text-xs text-sky-700 dark:text-sky-300">dry-run</span> : null}
        <Link href={`/runs/${run.id}`} className="text-sky-700 hover:underline dark:text-sky-300">
          {isActivePhase(run.phase) ? `${stage}${total > 0 ? ` ${done} of ${total}` : ""}` : "view run"}
        </Link>
      </div>
      {isActivePhase(run.phase) ? (
        <div
          className="mt-1 h-1.5 w-full max-w-xs overflow-hidden rounded bg-slate-200 dark:bg-slate-800"
          role="progressbar"
          aria-label="Run progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct ?? undefined}
        >
          <div className={`h-full bg-sky-500 ${pct === null ? "w-1/3 animate-pulse" : ""}`} style={pct === null ? undefined : { width: `${pct}%` }} />
        </div>
      ) : null}
      {!compact && run.progress?.message ? <p className="mt-1 truncate text-xs text-slate-500">{run.progress.message}</p> : null}
    </div>
  );
}
