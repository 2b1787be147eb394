/**
 * Issue 14: a definition card's health — the worst of its resources — linking to its resources
 * table filtered to that health, so a Degraded resource is two clicks from the overview.
 */
import Link from "next/link";
import { HealthBadge } from "@/components/ui/health-badge";
import type { DefinitionSummary } from "@/lib/api/views";

export function DefinitionHealthBadge({ d }: { d: DefinitionSummary }) {
  const status = d.health?.status ?? null;
  if (!status) return null;
  const n = d.health?.counts[status];
  // Missing resources are in Git only (no rows to filter): the diff lists them as creates
  const href =
    status === "Missing"
      ? `/definitions/${encodeURIComponent(d.name)}/diff`
      : `/definitions/${encodeURIComponent(d.name)}?health=${encodeURIComponent(status)}`;
  return (
    <Link href={href} data-testid="definition-health" data-health={status} aria-label={`health ${status}: show these resources`}>
      <HealthBadge health={status} message={n ? `${n} resource(s) ${status}` : status} />
    </Link>
  );
}
