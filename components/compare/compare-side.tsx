/** One side of a compare: the run (linked), the commit, its message, author and time. */
import Link from "next/link";
import type { CompareSideView } from "@/lib/api/history";
import { CopySha } from "@/components/ui/copy-sha";
import { RelativeTime } from "@/components/ui/relative-time";
import { DryRunBadge, StatusBadge } from "@/components/ui/status-badge";

export function CompareSide({ label, side }: { label: string; side: CompareSideView }) {
  return (
    <section
      aria-label={label}
      data-testid={`compare-${label.toLowerCase()}`}
      data-commit={side.commit ?? ""}
      className="min-w-0 flex-1 space-y-1 rounded-lg border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</h2>
      {side.type === "live" ? (
        <p className="font-medium">Live store (now)</p>
      ) : (
        <>
          {side.run ? (
            <p className="flex flex-wrap items-center gap-2">
              <Link href={`/runs/${side.run.id}`} className="font-mono text-xs text-sky-700 hover:underline dark:text-sky-300" data-testid="side-run-link">
                run {side.run.id.slice(0, 8)}
              </Link>
              <StatusBadge status={side.run.phase} />
              {side.run.dryRun ? <DryRunBadge /> : null}
              <span className="text-xs text-slate-500">
                {side.run.trigger}, <RelativeTime iso={side.run.createdAt} />
              </span>
            </p>
          ) : null}
          <p>
            <CopySha sha={side.commit} /> <span className="text-xs text-slate-500">{side.ref}</span>
          </p>
          {side.commitMessage ? (
            <p className="truncate" title={side.commitMessage} data-testid="side-message">
              “{side.commitMessage.split("\n")[0]}”
            </p>
          ) : null}
          {side.author ? (
            <p className="text-xs text-slate-500">
              {side.author.replace(/\s*<[^>]*>$/, "")}
              {side.time ? (
                <>
                  , <RelativeTime iso={side.time} />
                </>
              ) : null}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
