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

/** The overview's health filter: "" for all. */
export function OverviewHealthFilter({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <label className="text-sm">
      <span className="mr-1 text-slate-500">Health</span>
      <select
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-testid="overview-health-filter"
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
      >
        {["", "Degraded", "Missing", "Progressing", "Unknown", "Suspended", "Healthy", "None"].map((h) => (
          <option key={h} value={h}>
            {h === "" ? "all" : h === "None" ? "not assessed" : h}
          </option>
        ))}
      </select>
    </label>
  );
}

export function matchesHealth(d: DefinitionSummary, filter: string): boolean {
  if (!filter) return true;
  const status = d.health?.status ?? null;
  return filter === "None" ? status === null : status === filter;
}
