/**
 * Step 3 of the sync pipeline, apply and record: a run plans (plan-definition.ts), records its
 * changes, and on a real sync applies the engine's writes in one transaction with the record.
 * Dry-run is the same path with writes off. One run per definition at a time is a database
 * rule (SyncRun.activeKey is unique). When a run ends, "run-finished" is published
 * (runtime/events.ts): metrics, notifications, backoff and memory release subscribe there.
 */
import { decryptionKeysChangedSince } from "@/lib/server/services/secrets";
import "server-only";
import { mapInSlices, yieldToEventLoop } from "@/lib/engine/time-slice";
import { buildWrites } from "@/lib/engine/writes";
import type { Definition, RunTrigger } from "@/lib/engine/types";
import { findDefinition, rowToDefinition, setDefinitionPin, type DefinitionRow } from "@/lib/server/data/definitions";
import { stampsFollowDefinition, type ResourceHead, type ResourceRow } from "@/lib/server/data/resources";
import { closeRun, failRun, findActiveRun, findRun, finishRun, insertActiveRun, updateRun, type RunRow } from "@/lib/server/data/runs";
import { countDrifted } from "@/lib/server/data/sync-status";
import { databaseErrorReason, isUniqueViolation } from "@/lib/server/data/errors";
import { AppError, notFound } from "@/lib/server/errors";
import { isGitError } from "@/lib/server/git/git-client";
import type { Principal } from "@/lib/server/auth/principal";
import { logger } from "@/lib/server/logger";
import { PROCESS_ID } from "@/lib/server/runtime/process-id";
import { publish } from "@/lib/server/runtime/events";
import { audit } from "@/lib/server/services/audit";
import { getGitClient, repoSourceFor } from "@/lib/server/services/git-source";
import { runProgress } from "@/lib/server/services/run-progress";
import { recordSyncStatus } from "@/lib/server/services/sync-status";
import { recordHeadDistance } from "@/lib/server/services/head-check";
import { computePlan, MANAGED_BY, scrubMessage } from "@/lib/server/services/sync/plan-definition";
import { countsOf, toRecord } from "@/lib/server/services/sync/record-change";
import { gateRevision } from "@/lib/server/services/sync/revision-gate";
import { assertWindowOpen } from "@/lib/server/services/sync-gate";
import { assertCanWaitForHealth, healthWaitSeconds, waitForHealthy } from "@/lib/server/services/sync/wait-healthy";
import { describeKey } from "@/lib/engine/resource-key";

export interface SyncRequest {
  definition: string;
  trigger: RunTrigger;
  who: Principal | "system";
  dryRun?: boolean;
  revision?: string;
  prune?: boolean;
  /** set by services/approvals.ts when it applies an approved request (issue 15) */
  approvalRequestId?: string;
  /** the run's initiator when `who` is "system" on someone's behalf (an approved request) */
  initiator?: string;
  /** issue 14: keep the run open after applying until its resources are Healthy (sync/wait-healthy.ts) */
  waitForHealthy?: boolean;
  /** the health wait's deadline; default the definition's progressDeadlineSeconds */
  healthTimeoutSeconds?: number;
  /**
   * The branch head the caller just resolved (the scheduler's refresh, shared with the other
   * definitions on the repository): when that commit is already in the local store, the run
   * plans it without asking the remote again (no ls-remote, no negotiation).
   */
  knownHead?: string;
}

export function initiatorOf(who: Principal | "system"): string {
  return who === "system" ? "system" : who.username;
}

/** Start a run; it executes in the background. 409 SYNC_IN_PROGRESS when one is active. */
export async function startSync(req: SyncRequest): Promise<{ run: RunRow; done: Promise<RunRow> }> {
  const row = await findDefinition(req.definition);
  if (!row) throw notFound(`definition ${req.definition}`);
  const def = rowToDefinition(row);
  if (!def.spec.gitops) throw new AppError("BAD_REQUEST", `definition ${req.definition} has no gitops section to sync from`);
  if (req.waitForHealthy) assertCanWaitForHealth(def, req.dryRun);
  // Production gates (issue 15): a real sync passes the sync windows (409 SYNC_WINDOW_CLOSED,
  // before any run or lock exists) and, with spec.approval, only through an approved request
  // (sync/request-sync.ts turns the request into an approval request instead).
  if (!req.dryRun && !req.approvalRequestId) {
    await assertWindowOpen(def, req.who, req.trigger);
    if (def.spec.approval)
      throw new AppError("CONFLICT", `${req.definition} needs ${def.spec.approval.required} approval(s): request a sync and have it approved`, {
        reason: "approval-required",
      });
  }
  if (req.revision && !req.dryRun) {
    // A revision this caller may not apply is refused here, as a 403 naming why, before a run
    // exists; Git failures are left to the run, which records them (the run checks again).
    try {
      await gateRevision(row, def, req.revision, req.who);
    } catch (err) {
      if (!(err instanceof AppError)) {
        if (isGitError(err)) logger.debug({ definition: req.definition, err: err.message }, "revision check before the run failed");
        else throw err;
      } else {
        if (req.who !== "system")
          await audit(req.who, req.trigger === "rollback" ? "sync.rollback" : "sync.start", req.definition, "denied", {
            revision: req.revision,
            reason: err.message,
          });
        throw err;
      }
    }
  }
  let run: RunRow;
  try {
    run = await insertActiveRun({
      definitionId: row.id,
      trigger: req.trigger,
      initiator: req.initiator ?? initiatorOf(req.who),
      // by id too: a name can change hands (issue 19 M4)
      initiatorId: req.who === "system" ? null : req.who.userId,
      initiatorTokenId: req.who === "system" ? null : (req.who.tokenId ?? null),
      dryRun: req.dryRun ?? false,
      prune: req.prune ?? false,
      requestedRevision: req.revision ?? null,
      owner: PROCESS_ID,
      approvalRequestId: req.approvalRequestId ?? null,
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      const active = await findActiveRun(row.id);
      throw new AppError("SYNC_IN_PROGRESS", `a sync is already running for ${req.definition}`, active ? { runId: active.id } : undefined);
    }
    throw err;
  }
  // A run that may have nothing to do asks the remote for the branch head while its audit
  // entry is written and the store is asked about drift (the answer is awaited, and a Git
  // error recorded, inside the run: isNothingToDo); a refused request asks the remote nothing.
  const head = mayHaveNothingToDo(row, req) ? settle(resolveHead(def)) : undefined;
  if (req.who !== "system") {
    await audit(req.who, req.dryRun ? "sync.dry-run" : req.trigger === "rollback" ? "sync.rollback" : "sync.start", req.definition, "ok", {
      runId: run.id,
      revision: req.revision ?? null,
    });
  }
  publish("run-started", { run, definition: req.definition });
  const done = executeRun(run, row, def, req, head).then(async (planned) => {
    const final = (await findRun(run.id)) ?? run;
    publish("run-finished", { run: final, definition: req.definition, planned });
    return final;
  });
  return { run, done };
}

/** The body of a run. Never throws: every outcome ends the run in a final phase. Answers how many resources it planned. */
async function executeRun(run: RunRow, row: DefinitionRow, def: Definition, req: SyncRequest, head?: Promise<Settled<string>>): Promise<number> {
  const startedAt = run.startedAt ?? new Date();
  const log: string[] = [];
  const say = (m: string) => {
    log.push(`${new Date().toISOString()} ${m}`);
    runProgress.set(run.id, { message: m });
  };
  runProgress.set(run.id, { phase: "fetching", done: 0, total: 0 });
  const heartbeat = setInterval(() => void updateRun(run.id, {}).catch(() => undefined), 10_000);
  let planned = 0;
  heartbeat.unref();
  try {
    // A pinned definition stays on its pin until a person resumes it.
    let revision = req.revision ?? row.pinnedRevision ?? undefined;
    if (!req.revision && row.pinnedRevision)
      say(`definition is pinned to ${row.pinnedRevision}; syncing that commit (Resume to follow ${def.spec.gitops!.branch} again)`);

    // (waitForHealthy waits even when nothing changed: then for all of the definition's resources)
    // the head that check resolved is the one planned below (one ls-remote per run, not two)
    let knownHead = revision ? undefined : req.knownHead;
    if (!revision && !req.dryRun && !req.waitForHealthy && (await isNothingToDo(row, def, req, head, (h) => (knownHead = h)))) {
      say(`no changes: ${row.syncedCommit} is applied and nothing drifted`);
      await finishRun(run.id, { phase: "Succeeded", startedAt, log, counts: { unchanged: 0 }, resolvedCommit: row.syncedCommit, commitMessage: null }, []);
      return planned;
    }

    // a real sync of a revision applies only what its caller may (revision-gate.ts), and plans the
    // commit that was checked, not whatever a moved tag names by now
    const gate = revision && !req.dryRun ? await gateRevision(row, def, revision, req.who) : undefined;
    if (gate) {
      revision = gate.commit;
      if (!gate.onBranch) say(`commit ${gate.commit} is not on branch ${def.spec.gitops!.branch}: applied without becoming its head`);
    }
    const { state, plan, rows } = await computePlan(
      row,
      def,
      { revision, prune: req.prune, atomic: req.trigger === "rollback", knownHead: revision ? undefined : knownHead },
      say,
    );
    publish("run-planned", { runId: run.id, parsedFiles: state.parsedFiles });
    planned = plan.changes.length;
    // A vanished folder is far more often a mistake (a rename, a bad merge) than an intent:
    // the run fails and the store keeps what it has, instead of recording a "successful" empty sync.
    if (state.pathMissing) {
      throw new AppError(
        "SOURCE_ERROR",
        `gitops path ${def.spec.gitops!.path} does not exist at commit ${state.commit.slice(0, 7)} (prune withheld: nothing was changed or pruned)`,
      );
    }
    // unchanged resources are not recorded
    // rendering records (YAML sides) is synchronous work per change: in slices
    await yieldToEventLoop();
    const records = await mapInSlices(
      plan.changes.filter((c) => c.action !== "unchanged"),
      (c) => toRecord(c, { compactCreates: true }),
    );
    for (const p of plan.fileProblems.slice(0, 200)) say(`file problem: ${p.path}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ""}` : ""}: ${p.message}`);
    const counts = countsOf(plan);
    const total = plan.changes.length;
    await updateRun(run.id, { resolvedCommit: state.commit, commitMessage: state.commitInfo.message.slice(0, 2000), total, counts });
    runProgress.set(run.id, { phase: "applying", total, done: 0 });
    const common = {
      startedAt,
      log,
      counts,
      total,
      resolvedCommit: state.commit,
      commitMessage: state.commitInfo.message.slice(0, 2000),
      fileProblems: plan.fileProblems.slice(0, 200),
    };

    if (req.dryRun) {
      say("dry-run: nothing was written to the store");
      await finishRun(run.id, { ...common, phase: "Succeeded", done: total }, records);
      return planned;
    }
    if (plan.blocked) {
      const why =
        req.trigger === "rollback"
          ? `rollback refused: commit ${state.commit.slice(0, 7)} no longer validates (${plan.counts.invalid} invalid resources, ${plan.fileProblems.length} file problems); nothing was changed`
          : `atomic sync policy: ${plan.counts.invalid} invalid resources and ${plan.fileProblems.length} file problems; nothing was applied`;
      say(why);
      await finishRun(run.id, { ...common, phase: "Failed", error: why, done: 0 }, records);
      return planned;
    }
    const writes = {
      ...buildWrites(plan, rows, (r: ResourceRow | ResourceHead) => stampsFollowDefinition(r)),
      definitionId: row.id,
      commit: state.commit,
      managedBy: MANAGED_BY,
      generation: row.generation,
      // the head is the branch's, never a commit off it (issue 19 M1); null keeps the stored one
      branchHead: state.branchHead ?? null,
      offBranch: gate ? !gate.onBranch : false,
    };
    say(`applying ${writes.creates.length + writes.updates.length + writes.deletes.length} changes in one transaction`);
    const keepOpen = !!req.waitForHealthy;
    await finishRun(run.id, { ...common, phase: "Succeeded", done: total, keepOpen }, records, writes, (done) => runProgress.set(run.id, { done }));
    await recordSyncStatus(row.id, plan, state.commit, { applied: true, headCommit: state.branchHead });
    if (state.branchHead) {
      const pin = req.trigger === "rollback" ? state.commit : (row.pinnedRevision ?? state.commit);
      await recordHeadDistance(row, await repoSourceFor(def.spec.gitops!), state.branchHead, pin);
    }
    if (req.trigger === "rollback") {
      await setDefinitionPin(row.id, { revision: state.commit, by: initiatorOf(req.who) });
    }
    if (keepOpen) {
      const applied = new Set([...writes.creates, ...writes.updates].map((w) => describeKey(w.key)));
      const seconds = healthWaitSeconds(def, req.healthTimeoutSeconds);
      runProgress.set(run.id, { phase: "waiting for health" });
      // the log is stored as the wait goes (the run page and `run get` show "waiting for health")
      const sayAndStore = (m: string) => {
        say(m);
        void updateRun(run.id, { log }).catch(() => undefined);
      };
      sayAndStore(`applied; waiting up to ${seconds}s for ${applied.size || "all"} resource(s) to be Healthy`);
      const health = await waitForHealthy(row.id, applied, seconds * 1000, sayAndStore);
      const ok = health.outcome === "Healthy";
      const error = ok ? null : `health wait ended ${health.outcome}: ${health.resources.length} resource(s) not Healthy`;
      say(ok ? "all applied resources are Healthy" : error!);
      say("done");
      await closeRun(run.id, { phase: ok ? "Succeeded" : "Failed", error, log, startedAt, health: { ...health } });
      return planned;
    }
    say("done");
  } catch (err) {
    const dbReason = databaseErrorReason(err);
    const message = await scrubMessage(
      def,
      err instanceof AppError || isGitError(err)
        ? err.message
        : dbReason
          ? `database error, the run's writes were rolled back: ${dbReason}`
          : `unexpected error: ${(err as Error).message}`,
    );
    if (!(err instanceof AppError || isGitError(err))) logger.error({ err: message, runId: run.id }, "sync run crashed");
    say(`failed: ${message}`);
    try {
      await failRun(run.id, { startedAt, log, error: message });
    } catch (e) {
      logger.error({ err: (e as Error).message, runId: run.id }, "could not record the run's failure");
    }
  } finally {
    clearInterval(heartbeat);
    runProgress.delete(run.id);
  }
  return planned;
}

/** Same branch head as the last applied commit, same definition generation, nothing drifted. */
async function isNothingToDo(
  row: DefinitionRow,
  def: Definition,
  req: SyncRequest,
  early: Promise<Settled<string>> | undefined,
  sawHead: (head: string) => void,
): Promise<boolean> {
  if (!row.syncedCommit || row.syncedGeneration !== row.generation) return false;
  // the drift count (an index read) does not wait for the remote; the head is planned whatever
  // the answer here (a run with work does not ask for it again)
  const [drifted, head] = await Promise.all([countDrifted(row.id), req.knownHead ?? (early ? early.then(unwrap) : resolveHead(def))]);
  sawHead(head);
  if (req.prune && !def.spec.syncPolicy.prune) return false;
  if (await decryptionKeysChangedSince(def.spec.gitops?.decryption, row.lastSyncTime)) return false;
  return head === row.syncedCommit && drifted === 0;
}

/** the conditions of isNothingToDo known before the run starts (startSync asks for the head early then) */
function mayHaveNothingToDo(row: DefinitionRow, req: SyncRequest): boolean {
  return (
    !req.revision &&
    !row.pinnedRevision &&
    !req.dryRun &&
    !req.waitForHealthy &&
    !req.knownHead &&
    !!row.syncedCommit &&
    row.syncedGeneration === row.generation
  );
}

async function resolveHead(def: Definition): Promise<string> {
  return getGitClient().resolveBranchHead(await repoSourceFor(def.spec.gitops!), def.spec.gitops!.branch);
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** a promise that never rejects (it may be left unawaited when the run is refused) */
function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

function unwrap<T>(s: Settled<T>): T {
  if (s.ok) return s.value;
  throw s.error;
}

/** Waits for a run to reach a final phase (for ?wait=true and the CLI). */
export async function waitForRun(id: string, timeoutMs = 10 * 60_000): Promise<RunRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await findRun(id);
    if (!r) throw notFound(`run ${id}`);
    if (r.activeKey === null) return r;
    if (Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 200));
  }
}
