/** Every run of a definition (dry or real, any outcome) and a chart of the recent ones. */
import Link from "next/link";
import type { RunSummary } from "@/lib/client/run-types";
import { RunOutcomeBadge } from "@/components/runs/run-outcome-badge";
import { RunChart } from "@/components/runs/run-chart";
import { CopySha } from "@/components/ui/copy-sha";
import { RelativeTime } from "@/components/ui/relative-time";
import { DryRunBadge } from "@/components/ui/status-badge";
import { formatDuration } from "@/lib/client/format";
import { CompareForm, ComparePickCell, LiveCompareRow } from "@/components/compare/compare-picker";

const countKeys = ["create", "update", "delete", "invalid"] as const;

export function RunHistory({ definition, runs, nextCursor }: { definition: string; runs: RunSummary[]; nextCursor: string | null }) {
  const base = `/definitions/${encodeURIComponent(definition)}`;
  return (
    <div className="space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/" className="hover:underline">
          Definitions
        </Link>{" "}
        /{" "}
        <Link href={base} className="hover:underline">
          {definition}
        </Link>{" "}
        / <span>Runs</span>
      </nav>
      <h1 className="text-2xl font-semibold tracking-tight">Run history</h1>
      <RunChart runs={runs} />
      <CompareForm definition={definition} />
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full min-w-[900px] text-left text-sm" data-testid="runs-table">
          <thead className="border-b border-slate-200 bg-slate-50 text-slate-600 dark:border-slate-800 dark:bg-slate-800/50 dark:text-slate-300">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                <span className="sr-only">Compare</span>
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Run
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Phase
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Trigger
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Commit
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Started
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Duration
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Create / update / delete / invalid
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.length === 0 ? (
              <tr>
                <td colSpan={8} className="px-3 py-8 text-center text-slate-500">
                  No runs yet.
                </td>
              </tr>
            ) : (
              <LiveCompareRow columns={8} />
            )}
            {runs.map((r) => (
              <tr
                key={r.id}
                data-testid="run-row"
                data-phase={r.phase}
                data-dry-run={r.dryRun}
                className="border-t border-slate-100 align-top dark:border-slate-800"
              >
                <ComparePickCell value={r.id} label={`Compare run ${r.id.slice(0, 8)}`} />
                <td className="px-3 py-2">
                  <Link href={`/runs/${r.id}`} className="font-mono text-xs text-sky-700 hover:underline dark:text-sky-300">
                    {r.id.slice(0, 8)}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  <span className="flex flex-wrap gap-1">
                    <RunOutcomeBadge run={r} />
                    {r.dryRun ? <DryRunBadge /> : null}
                  </span>
                  {r.error ? (
                    <p className="mt-1 max-w-xs truncate text-xs text-red-700 dark:text-red-300" title={r.error}>
                      {r.error}
                    </p>
                  ) : null}
                </td>
                <td className="px-3 py-2">
                  {r.trigger} <span className="text-slate-500">by {r.initiator}</span>
                </td>
                <td className="max-w-xs px-3 py-2">
                  <CopySha sha={r.commit} />
                  <span className="block truncate text-xs text-slate-500" title={r.commitMessage ?? undefined}>
                    {r.commitMessage?.split("\n")[0]}
                  </span>
                </td>
                <td className="px-3 py-2">
                  <RelativeTime iso={r.startedAt ?? r.createdAt} />
                </td>
                <td className="px-3 py-2 tabular-nums">{formatDuration(r.durationMs)}</td>
                <td className="px-3 py-2 font-mono text-xs tabular-nums">{countKeys.map((k) => r.counts[k] ?? 0).join(" / ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {nextCursor ? (
        <Link href={`${base}/runs?cursor=${nextCursor}`} className="text-sm text-sky-700 underline dark:text-sky-300">
          Older runs →
        </Link>
      ) : null}
    </div>
  );
}
