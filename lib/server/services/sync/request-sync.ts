/**
 * The one entry for "sync this definition" (issue 15): the button, the API, the CLI and the
 * scheduler's automated sync come here. Sync windows are checked first (startSync does it for
 * every real sync); a definition with spec.approval gets an approval request (202) instead of a
 * run; every other sync starts a run.
 */
import "server-only";
import type { ApprovalRequestView } from "@/lib/api/contract";
import { findDefinition, rowToDefinition } from "@/lib/server/data/definitions";
import { notFound } from "@/lib/server/errors";
import type { RunRow } from "@/lib/server/data/runs";
import { createApprovalRequest } from "@/lib/server/services/approvals";
import { assertWindowOpen } from "@/lib/server/services/sync-gate";
import { startSync, type SyncRequest } from "@/lib/server/services/sync/run-sync";
import { assertCanWaitForHealth } from "@/lib/server/services/sync/wait-healthy";

export type SyncRequested = { kind: "run"; run: RunRow; done: Promise<RunRow> } | { kind: "approval"; approvalRequest: ApprovalRequestView };

export async function requestSync(req: SyncRequest): Promise<SyncRequested> {
  if (!req.dryRun) {
    const row = await findDefinition(req.definition);
    if (!row) throw notFound(`definition ${req.definition}`);
    const def = rowToDefinition(row);
    if (def.spec.approval && def.spec.gitops) {
      // checked before the request exists, as startSync checks it before a run (400)
      if (req.waitForHealthy) assertCanWaitForHealth(def, req.dryRun);
      await assertWindowOpen(def, req.who, req.trigger);
      return { kind: "approval", approvalRequest: await createApprovalRequest(row, def, req) };
    }
  }
  const { run, done } = await startSync(req);
  return { kind: "run", run, done };
}
