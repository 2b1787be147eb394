/** Approval requests, newest first (issue 15). */
import Link from "next/link";
import type { ApprovalRequestView } from "@/lib/api/contract";
import { StatusBadge } from "@/components/ui/status-badge";

export function ApprovalsList({ items }: { items: ApprovalRequestView[] }) {
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Approval requests</h1>
      {items.length === 0 ? <p className="text-sm text-slate-500">No approval requests.</p> : null}
      <ul className="space-y-2">
        {items.map((r) => (
          <li
            key={r.id}
            className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900"
            data-testid="approval-row"
          >
            <Link href={`/approvals/${r.id}`} className="font-semibold text-sky-700 hover:underline dark:text-sky-300">
              {r.definition}
            </Link>
            <StatusBadge status={r.state} />
            <span className="font-mono">{r.commit.slice(0, 7)}</span>
            <span>
              {r.approvals.length}/{r.required} approvals
            </span>
            <span className="text-slate-500">requested by {r.requestedBy}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
