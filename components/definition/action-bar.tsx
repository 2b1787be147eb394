"use client";
/** Diff / Dry-run / Sync / Rollback… / Refresh for one definition. */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { planAction, refreshAction, syncAction } from "@/lib/actions/definitions";
import type { RunSummary } from "@/lib/client/run-types";
import { Button } from "@/components/ui/button";
import { buttonClass } from "@/components/ui/button-class";
import { Alert } from "@/components/ui/alert";
import { ConfirmDialog, PRODUCTION_REASON } from "@/components/ui/confirm-dialog";
import { StatusBadge } from "@/components/ui/status-badge";
import { RunProgress } from "@/components/runs/run-progress";
import { PlanCounts, PlanSentence, TargetCommit } from "@/components/definition/plan-summary";
import { PlanChangeList, PlanProblems } from "@/components/definition/plan-problems";
import { RollbackDialog } from "@/components/definition/rollback-dialog";
import { disabledReasonFor, useRunTracker } from "@/components/definition/use-definition-actions";
import type { PlanPreview, RollbackTarget } from "@/lib/api/views";
import { shortSha } from "@/lib/client/format";

export interface ActionBarProps {
  name: string;
  role: string;
  automated: boolean;
  production: boolean;
  hasGitops: boolean;
  activeRun: RunSummary | null;
  rollbackTargets: RollbackTarget[];
  currentCommit: string | null;
  /** issue 15: why Sync is disabled now (sync window closed), or null */
  gateReason?: string | null;
}

export function ActionBar(p: ActionBarProps) {
  const router = useRouter();
  const tracker = useRunTracker(p.activeRun);
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [refreshed, setRefreshed] = useState<PlanPreview | null>(null);
  const [confirm, setConfirm] = useState<{ plan: PlanPreview | null; error: string | null } | null>(null);
  const [rollbackOpen, setRollbackOpen] = useState(false);

  const noGitops = p.hasGitops ? null : "This definition has no gitops section";
  const operate = noGitops ?? disabledReasonFor({ role: p.role, need: "operator", running: tracker.busy, pending });

  const runSync = (opts: { dryRun?: boolean; revision?: string }) =>
    start(async () => {
      setError(null);
      const r = await syncAction({ name: p.name, ...opts });
      if (!r.ok) {
        setError(r.error.message);
        if (confirm) setConfirm({ ...confirm, error: r.error.message });
        return;
      }
      setConfirm(null);
      if (r.data.approvalRequestId) router.push(`/approvals/${r.data.approvalRequestId}`);
      else if (r.data.runId && opts.dryRun) router.push(`/runs/${r.data.runId}`);
      else if (r.data.runId) tracker.started(r.data.runId);
    });

  const openSyncConfirm = () => {
    setError(null);
    if (p.automated && !p.production) return runSync({});
    setConfirm({ plan: null, error: null });
    start(async () => {
      const r = await planAction({ name: p.name });
      setConfirm(r.ok ? { plan: r.data, error: null } : { plan: null, error: r.error.message });
    });
  };

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2" role="toolbar" aria-label="Definition actions">
        {noGitops ? (
          <Button disabledReason={noGitops}>Diff</Button>
        ) : (
          <Link href={`/definitions/${encodeURIComponent(p.name)}/diff`} className={buttonClass("secondary")}>
            Diff
          </Link>
        )}
        <Button disabledReason={operate} onClick={() => runSync({ dryRun: true })}>
          Dry-run
        </Button>
        <Button variant="primary" disabledReason={operate ?? (p.gateReason ? `Blocked: ${p.gateReason}` : null)} onClick={openSyncConfirm}>
          Sync
        </Button>
        <Button
          disabledReason={operate ?? (p.rollbackTargets.length === 0 ? "No earlier applied commit to roll back to" : null)}
          onClick={() => setRollbackOpen(true)}
        >
          Rollback…
        </Button>
        <Button
          // a refresh fetches Git and re-plans: operator work, as in the API (issue 19 L6)
          disabledReason={noGitops ?? disabledReasonFor({ role: p.role, need: "operator", running: false, pending })}
          onClick={() =>
            start(async () => {
              setError(null);
              const r = await refreshAction({ name: p.name });
              if (r.ok) setRefreshed(r.data);
              else setError(r.error.message);
              router.refresh();
            })
          }
        >
          Refresh
        </Button>
        {tracker.activeId ? (
          <div className="ml-2 min-w-48">
            <RunProgress runId={tracker.activeId} initial={p.activeRun?.id === tracker.activeId ? p.activeRun : null} onEnd={tracker.onEnd} />
          </div>
        ) : null}
      </div>
      {operate?.startsWith("Requires") ? (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="role-note">
          Read-only: {operate.toLowerCase()}. Diff stays available.
        </p>
      ) : operate && !pending ? (
        // the reason a disabled button gives on hover, shown without hover too
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="disabled-note">
          Dry-run, Sync and Rollback are unavailable: {operate}.
        </p>
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
      {tracker.finished ? (
        <Alert kind={tracker.finished.phase === "Succeeded" ? "success" : "error"}>
          <span data-testid="run-result">
            {tracker.finished.dryRun ? "Dry-run" : tracker.finished.trigger === "rollback" ? "Rollback" : "Sync"}{" "}
            <StatusBadge status={tracker.finished.phase} /> at commit {shortSha(tracker.finished.commit)}
            {tracker.finished.error ? `: ${tracker.finished.error}` : ""} —{" "}
            <Link href={`/runs/${tracker.finished.id}`} className="underline">
              open the run
            </Link>
          </span>
        </Alert>
      ) : null}
      {refreshed ? (
        <Alert kind="info">
          <span data-testid="refresh-result">
            Git {refreshed.branch} is at {shortSha(refreshed.branchHead ?? refreshed.commit)}; a sync of {shortSha(refreshed.commit)} would do{" "}
            <PlanSentence counts={refreshed.counts} /> ({refreshed.counts.unchanged ?? 0} unchanged). <PlanProblems plan={refreshed} />
            <Link href={`/definitions/${encodeURIComponent(p.name)}/diff`} className="underline">
              Review the diff
            </Link>
          </span>
        </Alert>
      ) : null}

      <ConfirmDialog
        open={confirm !== null}
        title={`Sync ${p.name}?`}
        confirmLabel={confirm?.plan ? `Sync ${shortSha(confirm.plan.commit)}` : "Sync"}
        tone="primary"
        requireText={p.production ? p.name : null}
        requireReason={PRODUCTION_REASON}
        confirmDisabled={!confirm?.plan}
        busy={pending && confirm?.plan !== null}
        error={confirm?.error ?? null}
        onCancel={() => setConfirm(null)}
        onConfirm={() => confirm?.plan && runSync({ revision: confirm.plan.commit })}
      >
        {confirm?.plan ? (
          <>
            <p className="text-base">
              This will apply{" "}
              <strong>
                <PlanSentence counts={confirm.plan.counts} />
              </strong>
              .
            </p>
            <PlanCounts counts={confirm.plan.counts} />
            <TargetCommit commit={confirm.plan.commit} message={confirm.plan.commitMessage} branch={confirm.plan.branch} />
            <PlanChangeList plan={confirm.plan} definition={p.name} />
            <PlanProblems plan={confirm.plan} />
            {confirm.plan.pruneWithheld ? <Alert kind="warning">{confirm.plan.pruneWithheld}</Alert> : null}
          </>
        ) : confirm?.error ? null : (
          <p className="text-slate-500">Computing the plan from Git…</p>
        )}
      </ConfirmDialog>

      <RollbackDialog
        open={rollbackOpen}
        name={p.name}
        production={p.production}
        targets={p.rollbackTargets}
        currentCommit={p.currentCommit}
        onClose={() => setRollbackOpen(false)}
        onStarted={(runId) => {
          setRollbackOpen(false);
          tracker.started(runId);
        }}
      />
    </div>
  );
}
