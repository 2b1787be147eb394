/**
 * What a plan will not apply, by name (issue 21): the invalid resources it refuses and the files
 * it cannot read, so a Refresh summary or a confirmation never says only "0 create, 0 update,
 * 0 delete". And the resources a sync will change: the first 50, with counts and a link to the rest.
 */
import Link from "next/link";
import type { PlanPreview } from "@/lib/api/views";
import { StatusBadge } from "@/components/ui/status-badge";

const NAMES_SHOWN = 50;

function label(c: { namespace: string; name: string }): string {
  return `${c.namespace ? `${c.namespace}/` : ""}${c.name}`;
}

export function PlanProblems({ plan }: { plan: Pick<PlanPreview, "counts" | "changes" | "fileProblems"> }) {
  const invalidTotal = plan.counts.invalid ?? 0;
  const filesTotal = plan.counts.fileProblems ?? plan.fileProblems.length;
  if (invalidTotal === 0 && filesTotal === 0) return null;
  const invalid = plan.changes.filter((c) => c.action === "invalid");
  return (
    <div
      data-testid="plan-problems"
      className="rounded-md border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
    >
      {invalidTotal > 0 ? (
        <p data-testid="plan-skipped-resources">
          <strong>
            {invalidTotal} invalid resource{invalidTotal === 1 ? "" : "s"} skipped
          </strong>
          {invalid.length > 0 ? `: ${invalid.map(label).join(", ")}${invalidTotal > invalid.length ? ", …" : ""}` : ""}
        </p>
      ) : null}
      {filesTotal > 0 ? (
        <p data-testid="plan-broken-files">
          <strong>
            {filesTotal} broken file{filesTotal === 1 ? "" : "s"} not read
          </strong>
          : {plan.fileProblems.map((p) => `${p.path}${p.line ? `:${p.line}` : ""}`).join(", ")}
          {filesTotal > plan.fileProblems.length ? ", …" : ""}
        </p>
      ) : null}
    </div>
  );
}

/** The resources a sync will change (first 50), with the total and a link to the full diff. */
export function PlanChangeList({ plan, definition }: { plan: Pick<PlanPreview, "changes" | "changedTotal">; definition: string }) {
  const changing = plan.changes.filter((c) => c.action !== "invalid" && c.action !== "unchanged").slice(0, NAMES_SHOWN);
  if (changing.length === 0) return null;
  return (
    <details className="text-sm" data-testid="plan-change-list" open={plan.changedTotal <= 10}>
      <summary className="cursor-pointer">
        Resources it will change ({changing.length < plan.changedTotal ? `first ${changing.length} of ${plan.changedTotal}` : plan.changedTotal})
      </summary>
      <ul className="mt-1 max-h-48 space-y-0.5 overflow-auto font-mono text-xs">
        {changing.map((c) => (
          <li key={`${c.namespace}/${c.name}`} className="flex items-center gap-2">
            <StatusBadge status={c.action} /> {label(c)}
          </li>
        ))}
      </ul>
      {plan.changedTotal > changing.length ? (
        <Link href={`/definitions/${encodeURIComponent(definition)}/diff`} className="text-sky-700 underline dark:text-sky-300">
          All {plan.changedTotal} changes in the diff →
        </Link>
      ) : null}
    </details>
  );
}
