"use client";
/** Rollback…: pick an earlier applied commit, see the diff it would apply, confirm. */
import { useState, useTransition } from "react";
import { planAction, rollbackAction } from "@/lib/actions/definitions";
import { ConfirmDialog, PRODUCTION_REASON } from "@/components/ui/confirm-dialog";
import { Alert } from "@/components/ui/alert";
import { RelativeTime } from "@/components/ui/relative-time";
import { PlanCounts, PlanSentence } from "@/components/definition/plan-summary";
import { ChangeDiff } from "@/components/diff/change-diff";
import type { PlanPreview, RollbackTarget } from "@/lib/api/views";
import { shortSha } from "@/lib/client/format";
import { PathCommits } from "@/components/compare/path-commits";

export function RollbackDialog(p: {
  open: boolean;
  name: string;
  production: boolean;
  targets: RollbackTarget[];
  currentCommit: string | null;
  onClose: () => void;
  onStarted: (runId: string) => void;
}) {
  const [picked, setPicked] = useState<string | null>(null);
  const [plan, setPlan] = useState<PlanPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, startLoad] = useTransition();
  const [starting, startRun] = useTransition();

  const pick = (commit: string) => {
    setPicked(commit);
    setPlan(null);
    setError(null);
    startLoad(async () => {
      const r = await planAction({ name: p.name, revision: commit });
      if (r.ok) setPlan(r.data);
      else setError(r.error.message);
    });
  };

  return (
    <ConfirmDialog
      open={p.open}
      wide
      title={`Roll back ${p.name}`}
      confirmLabel={picked ? `Roll back to ${shortSha(picked)}` : "Roll back"}
      requireText={p.production ? p.name : null}
      requireReason={PRODUCTION_REASON}
      confirmDisabled={!plan || loading}
      busy={starting}
      error={error}
      onCancel={() => {
        setPicked(null);
        setPlan(null);
        setError(null);
        p.onClose();
      }}
      onConfirm={() =>
        picked &&
        startRun(async () => {
          const r = await rollbackAction({ name: p.name, commit: picked });
          if (!r.ok) return setError(r.error.message);
          setPicked(null);
          setPlan(null);
          p.onStarted(r.data.runId);
        })
      }
    >
      <p>
        A rollback syncs an earlier applied commit and <strong>pins</strong> the definition there: automated sync stops following the branch until someone
        presses <em>Resume</em>.
      </p>
      <fieldset>
        <legend className="mb-1 font-medium">Applied commits</legend>
        <ul className="max-h-48 space-y-1 overflow-auto rounded border border-slate-200 p-1 dark:border-slate-700" data-testid="rollback-targets">
          {p.targets.map((t) => (
            <li key={t.commit}>
              <label className="flex cursor-pointer items-start gap-2 rounded px-2 py-1 hover:bg-slate-50 dark:hover:bg-slate-800">
                <input type="radio" name="rollback-commit" value={t.commit} checked={picked === t.commit} onChange={() => pick(t.commit)} className="mt-1" />
                <span className="min-w-0">
                  <span className="font-mono text-xs">{shortSha(t.commit)}</span>{" "}
                  {t.commit === p.currentCommit ? <span className="text-xs text-emerald-700 dark:text-emerald-300">(current)</span> : null}{" "}
                  <span className="truncate">{t.message?.split("\n")[0] ?? ""}</span>
                  <span className="block text-xs text-slate-500">
                    applied <RelativeTime iso={t.at} /> by {t.initiator} ({t.trigger})
                  </span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <PathCommits name={p.name} picked={picked} onPick={pick} />
      {loading ? <p className="text-slate-500">Computing what the rollback would change…</p> : null}
      {plan ? (
        <section aria-label="Rollback diff" className="space-y-2" data-testid="rollback-preview">
          <p>
            Rolling back to <span className="font-mono">{shortSha(plan.commit)}</span> would apply{" "}
            <strong>
              <PlanSentence counts={plan.counts} />
            </strong>
            .
          </p>
          <PlanCounts counts={plan.counts} />
          {plan.changes.map((c) => (
            <ChangeDiff key={`${c.namespace}/${c.name}`} change={c} defaultOpen />
          ))}
          {plan.changedTotal > plan.changes.length ? (
            <p className="text-slate-500">
              …and {plan.changedTotal - plan.changes.length} more; review them all on the diff page with ?revision={shortSha(plan.commit)}.
            </p>
          ) : null}
          {plan.changedTotal === 0 ? <Alert kind="info">Nothing would change: the store already matches this commit.</Alert> : null}
        </section>
      ) : null}
    </ConfirmDialog>
  );
}
