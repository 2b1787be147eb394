"use client";
/**
 * An approval request (issue 15): who asked, who approved, the reviewed plan in the diff page's
 * Monaco components, and Approve / Reject that say why they are disabled.
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { approveAction, rejectAction } from "@/lib/actions/approvals";
import type { ApprovalRequestView } from "@/lib/api/contract";
import { ChangeDiff } from "@/components/diff/change-diff";
import { PlanCounts } from "@/components/definition/plan-summary";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopySha } from "@/components/ui/copy-sha";
import { StatusBadge } from "@/components/ui/status-badge";

export function ApprovalReview({ request: r, voteDisabledReason }: { request: ApprovalRequestView; voteDisabledReason: string | null }) {
  const router = useRouter();
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const changes = (r.plan?.changes ?? []).filter((c) => c.action !== "unchanged");
  const vote = (which: "approve" | "reject") =>
    start(async () => {
      setError(null);
      const res = await (which === "approve" ? approveAction : rejectAction)({ id: r.id, comment: comment || undefined });
      if (!res.ok) setError(res.error.message);
      router.refresh();
    });
  const reason = pending ? "Working…" : voteDisabledReason;

  return (
    <div className="space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/approvals" className="hover:underline">
          Approvals
        </Link>{" "}
        /{" "}
        <Link href={`/definitions/${encodeURIComponent(r.definition)}`} className="hover:underline">
          {r.definition}
        </Link>
      </nav>
      <header className="space-y-2">
        <h1 className="flex flex-wrap items-center gap-2 text-xl font-semibold">
          Sync of {r.definition} <StatusBadge status={r.state} />
        </h1>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500">Commit</dt>
          <dd>
            <CopySha sha={r.commit} />
          </dd>
          <dt className="text-slate-500">Requested by</dt>
          <dd data-testid="requested-by">
            {r.requestedBy} at {r.createdAt.slice(0, 16).replace("T", " ")} UTC
            {r.expiresAt ? ` · expires ${r.expiresAt.slice(0, 16).replace("T", " ")} UTC` : ""}
          </dd>
          <dt className="text-slate-500">Approvals</dt>
          <dd data-testid="approvals">
            {r.approvals.length}/{r.required}
            {r.approvals.map((a) => (
              <span key={a.by} className="ml-2">
                ✓ {a.by}
                {a.comment ? `: “${a.comment}”` : ""}
              </span>
            ))}
            {r.rejections.map((a) => (
              <span key={a.by} className="ml-2">
                ✗ {a.by}
                {a.comment ? `: “${a.comment}”` : ""}
              </span>
            ))}
          </dd>
          <dt className="text-slate-500">Plan hash</dt>
          <dd className="font-mono text-xs">{r.planHash}</dd>
          {r.runId ? (
            <>
              <dt className="text-slate-500">Run</dt>
              <dd>
                <Link href={`/runs/${r.runId}`} className="text-sky-700 hover:underline dark:text-sky-300" data-testid="approval-run">
                  {r.runId}
                </Link>
              </dd>
            </>
          ) : null}
        </dl>
        {r.reason ? <Alert kind={r.state === "Stale" || r.state === "Failed" ? "error" : "info"}>{r.reason}</Alert> : null}
      </header>
      <section className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <label className="block text-sm">
          Comment (optional)
          <input
            className="mt-1 block w-full rounded border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-950"
            value={comment}
            maxLength={2000}
            onChange={(e) => setComment(e.target.value)}
          />
        </label>
        <div className="flex flex-wrap items-center gap-2">
          <Button variant="primary" disabledReason={reason} onClick={() => vote("approve")}>
            Approve
          </Button>
          <Button disabledReason={reason} onClick={() => vote("reject")}>
            Reject
          </Button>
          {voteDisabledReason ? (
            <span className="text-sm text-slate-600 dark:text-slate-400" data-testid="vote-disabled-reason">
              {voteDisabledReason}
            </span>
          ) : null}
        </div>
        {error ? <Alert>{error}</Alert> : null}
      </section>
      {r.plan ? (
        <section className="space-y-3">
          <h2 className="text-lg font-semibold">Reviewed plan</h2>
          <PlanCounts counts={r.plan.counts} />
          {changes.length === 0 ? <p className="text-sm text-slate-500">No changes.</p> : null}
          {changes.map((c, i) => (
            <ChangeDiff key={`${c.kind}/${c.namespace}/${c.name}`} change={c} defaultOpen={i < 15} />
          ))}
        </section>
      ) : null}
    </div>
  );
}
