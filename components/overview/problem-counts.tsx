/** A card's problem counts (issue 21): invalid resources, unreadable files, a Git error; nothing when there are none. */
import { Badge } from "@/components/ui/status-badge";
import { problemCounts } from "@/lib/api/overview";
import type { DefinitionSummary } from "@/lib/api/views";

export function ProblemCounts({ summary }: { summary: DefinitionSummary }) {
  const c = problemCounts(summary);
  const total = c.invalid + c.files + c.git;
  if (total === 0) return null;
  const parts = [
    c.git ? "Git error" : "",
    c.invalid ? `${c.invalid} invalid resource${c.invalid === 1 ? "" : "s"}` : "",
    c.files ? `${c.files} broken file${c.files === 1 ? "" : "s"}` : "",
  ].filter(Boolean);
  return (
    <span data-testid="problem-counts" data-problems={total}>
      <Badge tone="amber" icon="⚠" title="Problems: see the definition page">
        {parts.join(" · ")}
      </Badge>
    </span>
  );
}
