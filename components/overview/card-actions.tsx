"use client";
/**
 * Refresh and Sync on an overview card or table row. Operator work (as in the API); a viewer sees
 * the reason in words. A production definition keeps its typed confirmation; the run's progress
 * shows in place and the page refreshes when it ends.
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { refreshAction, syncAction } from "@/lib/actions/definitions";
import type { DefinitionSummary } from "@/lib/api/views";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, PRODUCTION_REASON } from "@/components/ui/confirm-dialog";
import { RunProgress } from "@/components/runs/run-progress";
import { disabledReasonFor, useRunTracker } from "@/components/definition/use-definition-actions";
import { StatusBadge } from "@/components/ui/status-badge";
import { shortSha } from "@/lib/client/format";

export function CardActions({ d, role, compact }: { d: DefinitionSummary; role: string; compact?: boolean }) {
  const router = useRouter();
  const tracker = useRunTracker(d.activeRun);
  const [pending, start] = useTransition();
  const [note, setNote] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const noGitops = d.gitops ? null : "No gitops section";
  // a closed sync window (issue 15) disables Sync with its reason, as on the definition page
  const blocked = d.gate && !d.gate.open ? `Blocked: ${d.gate.reason ?? "outside the sync windows"}` : null;
  const reason = noGitops ?? blocked ?? disabledReasonFor({ role, need: "operator", running: tracker.busy });

  const sync = () =>
    start(async () => {
      setError(null);
      const r = await syncAction({ name: d.name });
      if (!r.ok) return setError(r.error.message);
      setConfirming(false);
      // spec.approval (issue 15): the sync is an approval request; show it
      if (r.data.approvalRequestId) return router.push(`/approvals/${r.data.approvalRequestId}`);
      if (r.data.runId) tracker.started(r.data.runId);
    });

  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label={`Actions for ${d.name}`}>
      <Button
        className={compact ? "px-2 py-0.5" : ""}
        disabledReason={noGitops ?? disabledReasonFor({ role, need: "operator", running: false })}
        busy={pending && !confirming}
        aria-label={`Refresh ${d.name}`}
        onClick={() =>
          start(async () => {
            setError(null);
            const r = await refreshAction({ name: d.name });
            if (!r.ok) return setError(r.error.message);
            setNote(`Git ${r.data.branch} at ${shortSha(r.data.branchHead ?? r.data.commit)}`);
            router.refresh();
          })
        }
      >
        Refresh
      </Button>
      <Button
        variant="primary"
        className={compact ? "px-2 py-0.5" : ""}
        disabledReason={reason}
        aria-label={`Sync ${d.name}`}
        onClick={() => (d.production ? setConfirming(true) : sync())}
      >
        Sync
      </Button>
      {reason && !compact ? (
        <span className="text-xs text-slate-600 dark:text-slate-400" data-testid="card-disabled-note">
          {reason}
        </span>
      ) : null}
      {/* a card shows the server's active run itself; here only a run this card just started (or any in the table) */}
      {tracker.activeId && (compact || tracker.activeId !== d.activeRun?.id) ? (
        <span className="min-w-40">
          <RunProgress runId={tracker.activeId} initial={d.activeRun?.id === tracker.activeId ? d.activeRun : null} compact onEnd={tracker.onEnd} />
        </span>
      ) : null}
      {tracker.finished ? (
        <span className="inline-flex items-center gap-1 text-xs" data-testid="card-run-result">
          <StatusBadge status={tracker.finished.phase} />
          <Link href={`/runs/${tracker.finished.id}`} className="underline">
            open run
          </Link>
        </span>
      ) : null}
      {note ? (
        <span className="text-xs text-slate-600 dark:text-slate-400" role="status" data-testid="card-refresh-note">
          {note}
        </span>
      ) : null}
      {error && !confirming ? (
        <span className="text-xs text-red-700 dark:text-red-300" role="alert">
          {error}
        </span>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          open
          title={`Sync ${d.name}?`}
          confirmLabel="Sync"
          tone="primary"
          requireText={d.name}
          requireReason={PRODUCTION_REASON}
          busy={pending}
          error={error}
          onCancel={() => setConfirming(false)}
          onConfirm={sync}
        >
          <p>
            Applies Git&apos;s {d.gitops?.branch ?? "branch"} head to {d.total.toLocaleString("en-US")} {d.total === 1 ? "resource" : "resources"}. Review the{" "}
            <Link href={`/definitions/${encodeURIComponent(d.name)}/diff`} className="underline">
              diff
            </Link>{" "}
            first to see each change.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
