/**
 * Acting on one resource (issue 21): "Sync this resource" applies Git's version of one resource
 * (the branch head, or the pin), "Revert drift" applies the version the last sync applied (the
 * applied commit). Either is a run with one change, through the same plan, record and one
 * transaction as a full sync; the definition's applied commit does not move, and the row keeps
 * its own status.gitSync stamps (ApplyWrites.resourceOnly).
 */
import "server-only";
import { buildWrites } from "@/lib/engine/writes";
import { resourceKeyString } from "@/lib/engine/resource-key";
import type { Plan, RunTrigger } from "@/lib/engine/types";
import { findDefinition, rowToDefinition } from "@/lib/server/data/definitions";
import { stampsFollowDefinition, type ResourceHead, type ResourceRow } from "@/lib/server/data/resources";
import { failRun, findActiveRun, findRun, finishRun, insertActiveRun } from "@/lib/server/data/runs";
import { isUniqueViolation } from "@/lib/server/data/errors";
import { AppError, notFound } from "@/lib/server/errors";
import { isGitError } from "@/lib/server/git/git-client";
import type { Principal } from "@/lib/server/auth/principal";
import { logger } from "@/lib/server/logger";
import { PROCESS_ID } from "@/lib/server/runtime/process-id";
import { publish } from "@/lib/server/runtime/events";
import { audit } from "@/lib/server/services/audit";
import { computePlan, MANAGED_BY, scrubMessage } from "@/lib/server/services/sync/plan-definition";
import { toRecord } from "@/lib/server/services/sync/record-change";
import type { RunRow } from "@/lib/server/data/runs";
import { assertWindowOpen } from "@/lib/server/services/sync-gate";

export type ResourceSyncMode = "sync" | "revert";

export interface ResourceSyncRequest {
  definition: string;
  namespace: string;
  name: string;
  /** sync: Git's version at the head (or the pin); revert: the version the last sync applied */
  mode: ResourceSyncMode;
  trigger: RunTrigger;
  who: Principal;
}

/** Starts the one-resource run; it executes in the background. 409 SYNC_IN_PROGRESS when a run is active. */
export async function startResourceSync(req: ResourceSyncRequest): Promise<{ run: RunRow; done: Promise<RunRow> }> {
  const row = await findDefinition(req.definition);
  if (!row) throw notFound(`definition ${req.definition}`);
  const def = rowToDefinition(row);
  if (!def.spec.gitops) throw new AppError("BAD_REQUEST", `definition ${req.definition} has no gitops section to sync from`);
  // the production gates (issue 15) hold for one resource as for the whole definition
  await assertWindowOpen(def, req.who, req.trigger);
  if (def.spec.approval) {
    throw new AppError(
      "CONFLICT",
      `${req.definition} needs ${def.spec.approval.required} approval(s) for every change: sync the definition to request them (a one-resource sync cannot be approved)`,
      { reason: "approval-required" },
    );
  }
  const revision = req.mode === "revert" ? (row.pinnedRevision ?? row.syncedCommit) : (row.pinnedRevision ?? undefined);
  if (req.mode === "revert" && !revision) throw new AppError("CONFLICT", `nothing was applied to ${req.definition} yet: there is no version to revert to`);
  const label = `${def.spec.names.kind} ${req.namespace ? `${req.namespace}/` : ""}${req.name}`;
  let run: RunRow;
  try {
    run = await insertActiveRun({
      definitionId: row.id,
      trigger: req.trigger,
      initiator: req.who.username,
      initiatorId: req.who.userId,
      initiatorTokenId: req.who.tokenId ?? null,
      dryRun: false,
      prune: false,
      requestedRevision: revision ?? null,
      owner: PROCESS_ID,
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      const active = await findActiveRun(row.id);
      throw new AppError("SYNC_IN_PROGRESS", `a sync is already running for ${req.definition}`, active ? { runId: active.id } : undefined);
    }
    throw err;
  }
  await audit(req.who, req.mode === "revert" ? "resource.revert-drift" : "resource.sync", req.definition, "ok", {
    runId: run.id,
    resource: label,
    revision: revision ?? null,
  });
  const done = (async () => {
    const startedAt = run.startedAt ?? new Date();
    const log: string[] = [];
    const say = (m: string) => log.push(`${new Date().toISOString()} ${m}`);
    say(
      `${req.mode === "revert" ? "revert drift of" : "sync of one resource:"} ${label}${revision ? ` at ${revision}` : ` at the head of ${def.spec.gitops!.branch}`}`,
    );
    try {
      const { state, plan, rows } = await computePlan(row, def, { revision: revision ?? undefined }, say);
      const key = { kind: def.spec.names.kind, namespace: req.namespace, name: req.name };
      const change = plan.changes.find((c) => resourceKeyString(c.key) === resourceKeyString(key));
      const base = { startedAt, log, resolvedCommit: state.commit, commitMessage: state.commitInfo.message.slice(0, 2000) };
      if (!change || change.action === "delete" || change.action === "skipped") {
        throw new AppError(
          "SOURCE_ERROR",
          `${label} is not in Git at ${state.commit.slice(0, 7)}: there is no Git version to apply (a full sync with prune removes it)`,
        );
      }
      const record = toRecord(change, { compactCreates: true });
      const counts = { [change.action]: 1 };
      if (change.action === "invalid") {
        const why = `${label} does not validate at ${state.commit.slice(0, 7)}: ${change.error ?? "invalid"}; nothing was applied`;
        say(why);
        await finishRun(run.id, { ...base, phase: "Failed", error: why, counts, total: 1, done: 0 }, [record]);
        return;
      }
      if (change.action === "unchanged") {
        say(`no changes: ${label} already matches Git`);
        await finishRun(run.id, { ...base, phase: "Succeeded", counts, total: 1, done: 1 }, [record]);
        return;
      }
      const one: Plan = { ...plan, changes: [change] };
      const writes = {
        ...buildWrites(one, rows, (r: ResourceRow | ResourceHead) => stampsFollowDefinition(r)),
        definitionId: row.id,
        commit: state.commit,
        managedBy: MANAGED_BY,
        generation: row.generation,
        resourceOnly: true,
      };
      say(`applying 1 ${change.action}`);
      await finishRun(run.id, { ...base, phase: "Succeeded", counts, total: 1, done: 1 }, [record], writes);
    } catch (err) {
      const known = err instanceof AppError || isGitError(err);
      const message = await scrubMessage(def, known ? err.message : `unexpected error: ${(err as Error).message}`);
      if (!known) logger.error({ err: message, runId: run.id }, "resource sync crashed");
      say(`failed: ${message}`);
      await failRun(run.id, { startedAt, log, error: message }).catch((e: unknown) =>
        logger.error({ err: (e as Error).message, runId: run.id }, "could not record the run's failure"),
      );
    }
  })().then(async () => {
    const final = (await findRun(run.id)) ?? run;
    publish("run-finished", { run: final, definition: req.definition, planned: 1 });
    return final;
  });
  return { run, done };
}
