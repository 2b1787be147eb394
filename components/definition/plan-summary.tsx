/** Counts per action and the target commit of a plan, for confirmations and the diff page. */
import { CopySha } from "@/components/ui/copy-sha";
import { StatusBadge } from "@/components/ui/status-badge";
import { CHANGE_ACTIONS } from "@/lib/api/vocabulary";

const shown = CHANGE_ACTIONS;

export function PlanCounts({ counts }: { counts: Record<string, number> }) {
  return (
    <ul className="flex flex-wrap gap-2" data-testid="plan-counts">
      {shown.map((a) => (
        <li key={a} data-action={a} data-count={counts[a] ?? 0} className="flex items-center gap-1 text-sm">
          <StatusBadge status={a} />
          <span className="font-semibold tabular-nums">{counts[a] ?? 0}</span>
        </li>
      ))}
    </ul>
  );
}

export function PlanSentence({ counts }: { counts: Record<string, number> }) {
  return (
    <span data-testid="plan-sentence">
      {counts.create ?? 0} create, {counts.update ?? 0} update, {counts.delete ?? 0} delete
    </span>
  );
}

export function TargetCommit({ commit, message, branch }: { commit: string; message?: string | null; branch?: string }) {
  return (
    <p className="text-sm">
      Target commit <CopySha sha={commit} /> {branch ? <span className="text-slate-500">on {branch}</span> : null}
      {message ? <span className="mt-0.5 block truncate text-slate-600 dark:text-slate-400">“{message.split("\n")[0]}”</span> : null}
    </p>
  );
}
