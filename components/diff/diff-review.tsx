"use client";
/**
 * Diff review: the plan from Git against the live store, each changed resource in Monaco's
 * DiffEditor. "Sync this revision" applies exactly the reviewed commit (revision = its SHA),
 * and says so when the branch has moved on since.
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { branchHeadAction, syncAction } from "@/lib/actions/definitions";
import { ChangeDiff } from "@/components/diff/change-diff";
import { PlanCounts, PlanSentence, TargetCommit } from "@/components/definition/plan-summary";
import { disabledReasonFor, useRunTracker } from "@/components/definition/use-definition-actions";
import { RunProgress } from "@/components/runs/run-progress";
import { ConfirmDialog, PRODUCTION_REASON } from "@/components/ui/confirm-dialog";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopySha } from "@/components/ui/copy-sha";
import { shortSha } from "@/lib/client/format";
import type { DiffReviewData } from "@/lib/api/views";

const OPEN_BY_DEFAULT = 15;

export function DiffReview({
  data: d,
  role,
  production,
  activeRunId,
}: {
  data: DiffReviewData;
  role: string;
  production: boolean;
  activeRunId: string | null;
}) {
  const router = useRouter();
  const tracker = useRunTracker(activeRunId ? ({ id: activeRunId } as never) : null);
  const [sideBySide, setSideBySide] = useState(true);
  const [revisionInput, setRevisionInput] = useState(d.requestedRevision ?? "");
  const [confirm, setConfirm] = useState<{ head: string | null; checking: boolean; error: string | null } | null>(null);
  const [pending, start] = useTransition();
  const base = `/definitions/${encodeURIComponent(d.definition)}`;
  const headMoved = d.branchHead !== null && d.branchHead !== d.commit;
  const reason = disabledReasonFor({ role, need: "operator", running: tracker.busy, pending });
  const nothing = d.changedTotal === 0;

  const openConfirm = () => {
    setConfirm({ head: null, checking: true, error: null });
    start(async () => {
      // Ask Git again: has the branch moved since this page computed the plan?
      const r = await branchHeadAction({ name: d.definition });
      setConfirm({ head: r.ok ? r.data.head : null, checking: false, error: r.ok ? null : r.error.message });
    });
  };

  return (
    <div className="space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/" className="hover:underline">
          Definitions
        </Link>{" "}
        /{" "}
        <Link href={base} className="hover:underline">
          {d.definition}
        </Link>{" "}
        / <span>Diff</span>
      </nav>
      <header className="flex flex-wrap items-start gap-4">
        <div className="min-w-0 flex-1 space-y-1">
          <h1 className="text-2xl font-semibold tracking-tight">Diff review</h1>
          <p className="text-sm" data-testid="diff-source">
            {d.branchHead !== null && d.branchHead !== d.commit ? (
              // a pin or an older revision: the branch is elsewhere, so never "main at <this commit>"
              <>{d.pinnedRevision && !d.requestedRevision ? "Pinned commit" : "Commit"} </>
            ) : (
              <>
                Git <span className="font-mono">{d.branch}</span> at{" "}
              </>
            )}
            <span data-testid="reviewed-commit" data-sha={d.commit}>
              <CopySha sha={d.commit} />
            </span>{" "}
            <span className="text-slate-600 dark:text-slate-400">“{d.commitMessage.split("\n")[0]}”</span> against the live store.
          </p>
        </div>
        <form
          className="flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const v = revisionInput.trim();
            router.push(v ? `${base}/diff?revision=${encodeURIComponent(v)}` : `${base}/diff`);
          }}
        >
          <label className="text-xs font-medium">
            Revision (commit, tag or branch head when empty)
            <input
              value={revisionInput}
              onChange={(e) => setRevisionInput(e.target.value)}
              placeholder={`${d.branch} HEAD`}
              className="mt-0.5 block w-64 rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
            />
          </label>
          <Button type="submit">Show</Button>
        </form>
      </header>

      {d.pinnedRevision && !d.requestedRevision ? (
        <Alert kind="warning">
          This definition is pinned to {shortSha(d.pinnedRevision)} after a rollback; the diff shows that commit, not the branch head.
        </Alert>
      ) : null}
      {headMoved ? (
        <Alert kind="warning" title="You are not reviewing the branch head">
          <span data-testid="head-moved">
            {d.branch} is at {shortSha(d.branchHead)}; this review shows {shortSha(d.commit)}. “Sync this revision” applies {shortSha(d.commit)} exactly.
          </span>
        </Alert>
      ) : null}
      {d.pruneWithheld ? <Alert kind="warning">{d.pruneWithheld}</Alert> : null}
      {d.fileProblems.length > 0 ? (
        <Alert kind="error" title={`${d.fileProblems.length} file problem(s) in Git`}>
          <ul className="mt-1 space-y-0.5 font-mono text-xs">
            {d.fileProblems.slice(0, 20).map((p, i) => (
              <li key={i}>
                {p.path}
                {p.line ? `:${p.line}` : ""}
                {p.column ? `:${p.column}` : ""}: {p.message}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}

      <section className="flex flex-wrap items-center gap-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <PlanCounts counts={d.counts} />
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <Button onClick={() => setSideBySide(!sideBySide)} aria-pressed={!sideBySide}>
            {sideBySide ? "Inline view" : "Side-by-side view"}
          </Button>
          <Button variant="primary" disabledReason={reason ?? (nothing ? "Nothing to apply: the store matches this commit" : null)} onClick={openConfirm}>
            Sync this revision ({shortSha(d.commit)})
          </Button>
        </div>
        {tracker.activeId ? <RunProgress runId={tracker.activeId} onEnd={tracker.onEnd} /> : null}
        {tracker.finished ? (
          <Alert kind={tracker.finished.phase === "Succeeded" ? "success" : "error"}>
            <span data-testid="run-result">
              Sync {tracker.finished.phase} at {shortSha(tracker.finished.commit)}.{" "}
              <Link href={`/runs/${tracker.finished.id}`} className="underline">
                Open the run
              </Link>{" "}
              or{" "}
              <Link href={base} className="underline">
                back to {d.definition}
              </Link>
            </span>
          </Alert>
        ) : null}
      </section>

      <section aria-label="Changed resources" className="space-y-2" data-testid="changes">
        <h2 className="text-lg font-semibold">
          Changes <span className="text-sm font-normal text-slate-500">{d.changedTotal}</span>
        </h2>
        {nothing ? <p className="text-slate-500">No changes: the live store matches Git at this commit.</p> : null}
        {d.changes.map((c, i) => (
          <ChangeDiff key={`${c.namespace}/${c.name}`} change={c} defaultOpen={i < OPEN_BY_DEFAULT} sideBySide={sideBySide} />
        ))}
        {d.changedTotal > d.changes.length ? <p className="text-sm text-slate-500">…and {d.changedTotal - d.changes.length} more changes not shown.</p> : null}
      </section>

      {d.unchangedTotal > 0 ? (
        <details className="rounded-lg border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900" data-testid="unchanged">
          <summary className="cursor-pointer font-medium">{d.unchangedTotal} unchanged resources</summary>
          <ul className="mt-2 columns-1 font-mono text-xs sm:columns-2 lg:columns-3">
            {d.unchanged.map((k) => (
              <li key={k}>{k}</li>
            ))}
          </ul>
          {d.unchangedTotal > d.unchanged.length ? <p className="mt-1 text-slate-500">…and {d.unchangedTotal - d.unchanged.length} more</p> : null}
        </details>
      ) : null}

      <ConfirmDialog
        open={confirm !== null}
        title={`Sync ${d.definition} to ${shortSha(d.commit)}?`}
        confirmLabel={`Sync ${shortSha(d.commit)}`}
        tone="primary"
        requireText={production ? d.definition : null}
        requireReason={PRODUCTION_REASON}
        confirmDisabled={confirm?.checking ?? true}
        busy={pending && !confirm?.checking}
        error={confirm?.error ?? null}
        onCancel={() => setConfirm(null)}
        onConfirm={() =>
          start(async () => {
            const r = await syncAction({ name: d.definition, revision: d.commit });
            if (!r.ok) return setConfirm((c) => (c ? { ...c, error: r.error.message } : c));
            setConfirm(null);
            // spec.approval: the sync became an approval request (issue 15)
            if (r.data.approvalRequestId) router.push(`/approvals/${r.data.approvalRequestId}`);
            else if (r.data.runId) tracker.started(r.data.runId);
          })
        }
      >
        <p className="text-base">
          Apply{" "}
          <strong>
            <PlanSentence counts={d.counts} />
          </strong>{" "}
          as reviewed.
        </p>
        <TargetCommit commit={d.commit} message={d.commitMessage} branch={d.branch} />
        {confirm?.checking ? <p className="text-slate-500">Checking whether {d.branch} has moved…</p> : null}
        {confirm && !confirm.checking && confirm.head && confirm.head !== d.commit ? (
          <Alert kind="warning" title="The branch moved since this review">
            <span data-testid="branch-moved">
              {d.branch} is now at {shortSha(confirm.head)}. This sync applies the reviewed commit {shortSha(d.commit)}, not the new head;{" "}
              <Link href={`${base}/diff`} className="underline">
                review the new head
              </Link>{" "}
              to apply that instead.
            </span>
          </Alert>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}
