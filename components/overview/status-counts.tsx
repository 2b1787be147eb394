/** Counts of resources by status, plus drift; each with its icon and word. Zero counts are left out. */
import { statusKeys, type DefinitionSummary } from "@/lib/api/views";
import { Badge, StatusBadge } from "@/components/ui/status-badge";

type Key = keyof DefinitionSummary["counts"];

export function StatusCounts({ counts, only }: { counts: DefinitionSummary["counts"]; only?: Key[] }) {
  const keys = ([...statusKeys, "drifted"] as Key[]).filter((k) => (!only || only.includes(k)) && counts[k] > 0);
  if (keys.length === 0) {
    return (
      <span className="text-sm text-slate-600 dark:text-slate-400" data-testid="status-counts">
        {only ? "—" : "no resources"}
      </span>
    );
  }
  return (
    <ul className="flex flex-wrap gap-1.5" aria-label="Resources by status" data-testid="status-counts">
      {keys.map((s) => (
        <li key={s} data-status={s} data-count={counts[s]}>
          {s === "drifted" ? (
            <Badge tone="red" icon="⚠">
              Drifted
            </Badge>
          ) : (
            <StatusBadge status={s} title={`${counts[s]} ${s}`} />
          )}
          <span className="ml-1 text-sm font-semibold tabular-nums">{counts[s].toLocaleString("en-US")}</span>
        </li>
      ))}
    </ul>
  );
}
