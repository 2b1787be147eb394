/** "Succeeded · abc1234 · 3 min ago · manual by alice" with a link to the run. */
import Link from "next/link";
import type { RunSummary } from "@/lib/client/run-types";
import { DryRunBadge } from "@/components/ui/status-badge";
import { RunOutcomeBadge } from "@/components/runs/run-outcome-badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { shortSha } from "@/lib/client/format";

export function LastRun({ run }: { run: RunSummary | null }) {
  if (!run) return <span className="text-slate-500">no runs yet</span>;
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5 text-sm" data-testid="last-run">
      <Link href={`/runs/${run.id}`} className="inline-flex items-center gap-1.5 hover:underline">
        <RunOutcomeBadge run={run} />
        {run.dryRun ? <DryRunBadge /> : null}
        <span className="font-mono text-xs" title={run.commit ?? undefined}>
          {shortSha(run.commit)}
        </span>
      </Link>
      <RelativeTime iso={run.finishedAt ?? run.createdAt} />
      <span className="text-slate-500">
        {run.trigger} by {run.initiator}
      </span>
    </span>
  );
}
