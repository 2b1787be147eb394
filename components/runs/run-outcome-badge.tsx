/**
 * A run's phase, or "Succeeded with N problems" in amber when a successful run refused a resource
 * or skipped a file (issue 21; the rule: lib/engine/run-problems.ts).
 */
import { Badge, StatusBadge } from "@/components/ui/status-badge";
import { runOutcomeLabel } from "@/lib/api/run-outcome";
import type { RunPhase } from "@/lib/engine/vocabulary";

export function RunOutcomeBadge({ run }: { run: { phase: RunPhase; problems?: number; counts?: Record<string, number> } }) {
  const problems = run.problems ?? 0;
  if (run.phase !== "Succeeded" || problems === 0) return <StatusBadge status={run.phase} />;
  const invalid = run.counts?.invalid ?? 0;
  const files = run.counts?.fileProblems ?? 0;
  return (
    <Badge tone="amber" icon="⚠" title={`${invalid} invalid resource(s) refused, ${files} file(s) skipped`}>
      <span data-status="SucceededWithProblems" data-testid="run-outcome">
        {runOutcomeLabel(run.phase, problems)}
      </span>
    </Badge>
  );
}
