/** Issue 15: "Blocked" (sync window closed) and "awaiting approval" on an overview card or the definition page. */
import Link from "next/link";
import type { DefinitionSummary } from "@/lib/api/views";
import { Badge } from "@/components/ui/status-badge";

export const whenText = (iso: string | null | undefined) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "not within a year");

export function GateBadges({ d }: { d: Pick<DefinitionSummary, "gate" | "openApproval" | "name"> }) {
  return (
    <>
      {d.gate && !d.gate.open ? (
        <span data-testid="gate-blocked" title={`${d.gate.reason ?? "sync window closed"}; next opening ${whenText(d.gate.until)}`}>
          <Badge tone="amber" icon="⏸">
            Blocked until {whenText(d.gate.until)}
          </Badge>
        </span>
      ) : null}
      {d.openApproval ? (
        <Link href={`/approvals/${d.openApproval.id}`} data-testid="open-approval" className="hover:underline">
          <Badge tone="blue" icon="✋">
            {d.openApproval.state === "Pending" ? `awaiting approval ${d.openApproval.approvals}/${d.openApproval.required}` : "approved, waiting for window"}
          </Badge>
        </Link>
      ) : null}
    </>
  );
}

/** The definition page's line under the header: why syncs are blocked and the open request. */
export function GatePanel({ d }: { d: Pick<DefinitionSummary, "gate" | "openApproval" | "name"> }) {
  if ((!d.gate || d.gate.open) && !d.openApproval) return null;
  return (
    <div className="space-y-1 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950" data-testid="gate-panel">
      {d.gate && !d.gate.open ? (
        <p>
          <strong>Blocked:</strong> {d.gate.reason ?? "sync window closed"}. Next opening: {whenText(d.gate.until)}.
        </p>
      ) : null}
      {d.openApproval ? (
        <p>
          Approval request{" "}
          <Link href={`/approvals/${d.openApproval.id}`} className="font-mono text-sky-700 hover:underline dark:text-sky-300">
            {d.openApproval.id.slice(0, 8)}
          </Link>{" "}
          is {d.openApproval.state} ({d.openApproval.approvals}/{d.openApproval.required} approvals).
        </p>
      ) : null}
    </div>
  );
}

/** The header's "Pending approvals" link, shown when there are any. */
export function PendingApprovalsLink({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <Link href="/approvals" className="hover:underline" data-testid="pending-approvals">
      Pending approvals{" "}
      <span className="rounded-full bg-amber-500 px-1.5 py-0.5 text-xs font-semibold text-white" aria-label={`${count} pending`}>
        {count}
      </span>
    </Link>
  );
}
