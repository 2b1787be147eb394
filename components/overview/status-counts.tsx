/** Counts of resources by status, plus drift; each with its icon and word. */
import { statusKeys, type DefinitionSummary } from "@/lib/api/views";
import { Badge, StatusBadge } from "@/components/ui/status-badge";

export function StatusCounts({ counts }: { counts: DefinitionSummary["counts"] }) {
  return (
    <ul className="flex flex-wrap gap-1.5" aria-label="Resources by status" data-testid="status-counts">
      {statusKeys.map((s) => (
        <li key={s} data-status={s} data-count={counts[s]} className={counts[s] === 0 ? "opacity-50" : ""}>
          <StatusBadge status={s} title={`${counts[s]} ${s}`} />
          <span className="ml-1 text-sm font-semibold tabular-nums">{counts[s].toLocaleString("en-US")}</span>
        </li>
      ))}
      <li data-status="drifted" data-count={counts.drifted} className={counts.drifted === 0 ? "opacity-50" : ""}>
        <Badge tone={counts.drifted > 0 ? "red" : "gray"} icon="⚠">
          Drifted
        </Badge>
        <span className="ml-1 text-sm font-semibold tabular-nums">{counts.drifted}</span>
      </li>
    </ul>
  );
}
