/**
 * Approvals (issue 15): a sync of a definition with spec.approval becomes an approval request
 * holding the plan the reviewers see (the diff page's plan) and its hash. When approvals reach
 * `required`, the plan is made again and applied only if its hash equals the reviewed one (same
 * commit, same definition generation, same live state of every affected resource); otherwise the
 * request turns Stale (409 PLAN_STALE naming what changed). State changes are compare-and-set
 * in the database, so concurrent approvals, also on two replicas, start exactly one run.
 */
import "server-only";
import crypto from "node:crypto";
import type { ApprovalRequestView, ApprovalState, ApprovalVoteView, DiffView } from "@/lib/api/contract";
import { parseDuration } from "@/lib/engine/sync-windows";
import type { Definition } from "@/lib/engine/types";
import { roleAtLeast } from "@/lib/server/auth/roles";
import type { Principal } from "@/lib/server/auth/principal";
import { findDefinition, rowToDefinition, type DefinitionRow } from "@/lib/server/data/definitions";
import { isUniqueViolation } from "@/lib/server/data/errors";
import {
  applyingRequests,
  approvedWaiting,
  countApprovals,
  countPendingRequests,
  expireRequests,
  findApprovalRequest,
  findOpenRequest,
  findRunIdOfRequest,
  insertApprovalRequest,
  insertVote,
  listApprovalRequests,
  transitionRequest,
  type ApprovalRequestRow,
} from "@/lib/server/data/gates";
import { AppError, notFound } from "@/lib/server/errors";
import { releaseLease, renewLease, tryAcquireLease } from "@/lib/server/data/leases";
import { logger } from "@/lib/server/logger";
import { PROCESS_ID } from "@/lib/server/runtime/process-id";
import { publish } from "@/lib/server/runtime/events";
import { audit } from "@/lib/server/services/audit";
import { gateOf } from "@/lib/server/services/sync-gate";
import { computeDiff } from "@/lib/server/services/sync/compute-diff";
import { initiatorOf, startSync, type SyncRequest } from "@/lib/server/services/sync/run-sync";

/** What the hash covers, kept with the plan so a stale request can name what changed. */
interface Fingerprint {
  commit: string;
  generation: number;
  /** "Kind/namespace/name" → hash of action, field diff and both sides */
  changes: Record<string, string>;
}

interface StoredPlan {
  diff: DiffView;
  fingerprint: Fingerprint;
  revision: string | null;
  /** the requester's waitForHealthy (issue 14): the run started after approval waits for health too */
  waitForHealthy?: boolean;
  healthTimeoutSeconds?: number;
}

const sha = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

export function fingerprintOf(diff: DiffView, generation: number): Fingerprint {
  const changes: Record<string, string> = {};
  for (const c of diff.changes) {
    if (c.action === "unchanged") continue;
    changes[`${c.kind}/${c.namespace}/${c.name}`] = sha(JSON.stringify([c.action, c.diff, c.liveYaml, c.desiredYaml, c.error]));
  }
  return { commit: diff.commit, generation, changes };
}

export function hashOf(f: Fingerprint): string {
  const keys = Object.keys(f.changes).sort();
  return sha(JSON.stringify([f.commit, f.generation, keys.map((k) => [k, f.changes[k]])]));
}

/** What differs between the reviewed plan and a new one, in words. */
export function whatChanged(reviewed: Fingerprint, now: Fingerprint): string[] {
  const out: string[] = [];
  if (reviewed.commit !== now.commit) out.push(`commit ${reviewed.commit.slice(0, 12)} → ${now.commit.slice(0, 12)}`);
  if (reviewed.generation !== now.generation) out.push(`definition edited (generation ${reviewed.generation} → ${now.generation})`);
  const keys = new Set([...Object.keys(reviewed.changes), ...Object.keys(now.changes)]);
  const resources = [...keys].filter((k) => reviewed.changes[k] !== now.changes[k]).sort();
  for (const k of resources.slice(0, 20))
    out.push(`resource ${k} ${!(k in reviewed.changes) ? "now changes" : !(k in now.changes) ? "no longer changes" : "changed"}`);
  if (resources.length > 20) out.push(`and ${resources.length - 20} more resources`);
  return out;
}

function vote(v: ApprovalRequestRow["votes"][number]): ApprovalVoteView {
  return { by: v.username, decision: v.decision === "reject" ? "reject" : "approve", comment: v.comment, at: v.createdAt.toISOString() };
}

export function toApprovalView(r: ApprovalRequestRow, withPlan = false): ApprovalRequestView {
  const view: ApprovalRequestView = {
    id: r.id,
    state: r.state as ApprovalState,
    definition: r.definitionName,
    commit: r.commit,
    planHash: r.planHash,
    required: r.required,
    approvals: r.votes.filter((v) => v.decision === "approve").map(vote),
    rejections: r.votes.filter((v) => v.decision === "reject").map(vote),
    requestedBy: r.requestedBy,
    trigger: r.trigger,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt?.toISOString() ?? null,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    reason: r.reason,
    runId: r.runId,
  };
  if (withPlan && r.plan) view.plan = (r.plan as unknown as StoredPlan).diff;
  return view;
}

/**
 * A sync of an approval-gated definition: store the plan and wait. An automated sync of a commit
 * that already has an open request for the same commit and generation adds nothing.
 */
export async function createApprovalRequest(row: DefinitionRow, def: Definition, req: SyncRequest): Promise<ApprovalRequestView> {
  const spec = def.spec.approval!;
  const diff = await computeDiff(def.metadata.name, { revision: req.revision, prune: req.prune, fetchMissing: true });
  const fingerprint = fingerprintOf(diff, row.generation);
  const planHash = hashOf(fingerprint);
  if (req.who === "system") {
    const open = await findOpenRequest(row.id);
    if (open && open.planHash === planHash) return toApprovalView(open);
  }
  const ttl = spec.expiresAfter ? parseDuration(spec.expiresAfter) : null;
  const plan: StoredPlan = {
    diff,
    fingerprint,
    revision: req.revision ?? null,
    ...(req.waitForHealthy ? { waitForHealthy: true } : {}),
    ...(req.waitForHealthy && req.healthTimeoutSeconds !== undefined ? { healthTimeoutSeconds: req.healthTimeoutSeconds } : {}),
  };
  const { request, superseded } = await insertApprovalRequest({
    definitionId: row.id,
    definitionName: def.metadata.name,
    commit: diff.commit,
    generation: row.generation,
    planHash,
    plan,
    required: spec.required,
    prune: req.prune ?? false,
    trigger: req.trigger,
    requestedBy: initiatorOf(req.who),
    requestedById: req.who === "system" ? null : req.who.userId,
    expiresAt: ttl ? new Date(Date.now() + ttl) : null,
  });
  for (const id of superseded) await audit("system", "approval.supersede", def.metadata.name, "ok", { requestId: id, by: request.id });
  await audit(req.who, "approval.request", def.metadata.name, "ok", { requestId: request.id, commit: request.commit, planHash });
  publish("approval", {
    event: "approval.requested",
    definition: def.metadata.name,
    requestId: request.id,
    by: request.requestedBy,
    commit: request.commit,
    summary: `sync of ${request.commit.slice(0, 12)} needs ${request.required} approval(s)`,
  });
  return toApprovalView(request);
}

export async function listApprovals(f: { definition?: string; state?: string }): Promise<ApprovalRequestView[]> {
  await expireDue();
  return (await listApprovalRequests(f)).map((r) => toApprovalView(r));
}

export async function getApproval(id: string): Promise<ApprovalRequestView> {
  await expireDue();
  const r = await findApprovalRequest(id);
  if (!r) throw notFound(`approval request ${id}`);
  return toApprovalView(r, true);
}

export async function pendingApprovalCount(): Promise<number> {
  return countPendingRequests();
}

/** Pending requests past their expiresAt become Expired (audited). */
export async function expireDue(): Promise<void> {
  for (const e of await expireRequests(new Date())) await audit("system", "approval.expire", e.definitionName, "ok", { requestId: e.id });
}

/** Why this person may not vote on this request, or null. */
export function voteRefusal(r: ApprovalRequestRow, who: Principal): string | null {
  if (!roleAtLeast(who.role, "operator")) return "only operators and admins approve or reject";
  if (r.requestedById ? r.requestedById === who.userId : r.requestedBy === who.username) return "you requested this sync; someone else must approve it";
  if (r.votes.some((v) => v.userId === who.userId)) return "you already voted on this request; one person counts once";
  return null;
}

async function loadVotable(id: string, who: Principal): Promise<ApprovalRequestRow> {
  await expireDue();
  const r = await findApprovalRequest(id);
  if (!r) throw notFound(`approval request ${id}`);
  if (r.state !== "Pending") throw new AppError("CONFLICT", `approval request ${id} is ${r.state}${r.reason ? ` (${r.reason})` : ""}`, { state: r.state });
  const refusal = voteRefusal(r, who);
  if (refusal) {
    await audit(who, "approval.vote", r.definitionName, "denied", { requestId: id, reason: refusal });
    throw new AppError("APPROVAL_NOT_ALLOWED", refusal, { reason: refusal });
  }
  return r;
}

async function recordVote(r: ApprovalRequestRow, who: Principal, decision: "approve" | "reject", comment: string | null): Promise<void> {
  try {
    await insertVote({ requestId: r.id, userId: who.userId, username: who.username, decision, comment });
  } catch (err) {
    if (isUniqueViolation(err)) {
      const reason = "you already voted on this request; one person counts once";
      throw new AppError("APPROVAL_NOT_ALLOWED", reason, { reason });
    }
    throw err;
  }
}

export async function approveRequest(id: string, who: Principal, comment?: string): Promise<ApprovalRequestView> {
  const r = await loadVotable(id, who);
  await recordVote(r, who, "approve", comment ?? null);
  const count = await countApprovals(id);
  await audit(who, "approval.approve", r.definitionName, "ok", { requestId: id, approvals: count, required: r.required, comment: comment ?? null });
  publish("approval", {
    event: "approval.approved",
    definition: r.definitionName,
    requestId: id,
    by: who.username,
    commit: r.commit,
    summary: `${who.username} approved (${count}/${r.required})`,
  });
  // exactly one caller moves it to Approved, however many approve at once
  if (count >= r.required && (await transitionRequest(id, ["Pending"], "Approved", { decided: true }))) await applyApproved(id);
  return getApproval(id).then((v) => ({ ...v, plan: undefined }));
}

export async function rejectRequest(id: string, who: Principal, comment?: string): Promise<ApprovalRequestView> {
  const r = await loadVotable(id, who);
  await recordVote(r, who, "reject", comment ?? null);
  await transitionRequest(id, ["Pending"], "Rejected", { decided: true, reason: `rejected by ${who.username}${comment ? `: ${comment}` : ""}` });
  await audit(who, "approval.reject", r.definitionName, "ok", { requestId: id, comment: comment ?? null });
  publish("approval", {
    event: "approval.rejected",
    definition: r.definitionName,
    requestId: id,
    by: who.username,
    commit: r.commit,
    summary: `${who.username} rejected the sync`,
  });
  return getApproval(id).then((v) => ({ ...v, plan: undefined }));
}

/**
 * Apply an Approved request: claim it (Approved → Applying, one winner), check the window, plan
 * again, compare hashes, start the run. A closed window puts it back to Approved ("waiting for
 * window"); the scheduler calls applyWaitingApprovals on its ticks.
 */
export async function applyApproved(id: string): Promise<{ runId: string } | { waiting: string } | null> {
  // The lease says "this process is applying it" for as long as the request is Applying: if the
  // process dies there, recoverInterruptedApplies (another replica's or the restarted process's
  // tick) sees the lease expire and settles the request instead of leaving it Applying forever.
  const key = applyLeaseKey(id);
  if (!(await tryAcquireLease(key, PROCESS_ID, APPLY_LEASE_MS))) return null;
  const renew = setInterval(() => void renewLease(key, PROCESS_ID, APPLY_LEASE_MS).catch(() => undefined), APPLY_LEASE_MS / 3);
  renew.unref();
  try {
    if (!(await transitionRequest(id, ["Approved"], "Applying"))) return null;
    return await applyClaimed(id);
  } finally {
    clearInterval(renew);
    await releaseLease(key, PROCESS_ID).catch(() => undefined);
  }
}

const APPLY_LEASE_MS = 30_000;
const applyLeaseKey = (id: string) => `approval-apply:${id}`;

async function applyClaimed(id: string): Promise<{ runId: string } | { waiting: string }> {
  const r = (await findApprovalRequest(id))!;
  try {
    const row = await findDefinition(r.definitionName);
    if (!row || row.id !== r.definitionId) {
      await transitionRequest(id, ["Applying"], "Stale", { reason: "the definition was deleted" });
      throw new AppError("PLAN_STALE", "the definition was deleted", { changed: ["definition deleted"] });
    }
    const def = rowToDefinition(row);
    const gate = await gateOf(def, { manual: r.trigger !== "auto" && r.trigger !== "webhook" });
    if (!gate.open) {
      const waiting = `approved, waiting for window: ${gate.reason}${gate.until ? ` (opens ${gate.until})` : ""}`;
      await transitionRequest(id, ["Applying"], "Approved", { reason: waiting });
      return { waiting };
    }
    const stored = r.plan as unknown as StoredPlan;
    const diff = await computeDiff(r.definitionName, { revision: stored.revision ?? undefined, prune: r.prune, fetchMissing: true });
    const now = fingerprintOf(diff, row.generation);
    if (hashOf(now) !== r.planHash) {
      const changed = whatChanged(stored.fingerprint, now);
      const reason = `the plan changed since it was reviewed: ${changed.join("; ") || "plan hash differs"}`;
      await transitionRequest(id, ["Applying"], "Stale", { reason });
      await audit("system", "approval.stale", r.definitionName, "ok", { requestId: id, changed });
      throw new AppError("PLAN_STALE", `${r.definitionName}: ${reason}; nothing was applied`, { changed });
    }
    let started;
    try {
      started = await startSync({
        definition: r.definitionName,
        trigger: r.trigger === "webhook" ? "webhook" : r.trigger === "auto" ? "auto" : (r.trigger as SyncRequest["trigger"]),
        who: "system",
        revision: r.commit,
        prune: r.prune,
        approvalRequestId: id,
        initiator: r.requestedBy,
        // the requester asked to wait for health: the approved run does (issue 14)
        ...(stored.waitForHealthy ? { waitForHealthy: true, healthTimeoutSeconds: stored.healthTimeoutSeconds } : {}),
      });
    } catch (err) {
      if (err instanceof AppError && err.code === "SYNC_IN_PROGRESS") {
        await transitionRequest(id, ["Applying"], "Approved", { reason: "approved, waiting for the running sync to end" });
        return { waiting: "a sync is already running" };
      }
      throw err;
    }
    await transitionRequest(id, ["Applying"], "Applied", { runId: started.run.id, reason: null });
    await audit("system", "approval.apply", r.definitionName, "ok", { requestId: id, runId: started.run.id, approvers: r.votes.map((v) => v.username) });
    return { runId: started.run.id };
  } catch (err) {
    if (!(err instanceof AppError && err.code === "PLAN_STALE")) {
      logger.error({ requestId: id, err: (err as Error).message }, "applying an approved request failed");
      await transitionRequest(id, ["Applying"], "Failed", { reason: `could not apply: ${(err as Error).message}` });
    }
    throw err;
  }
}

/** The scheduler's tick: expire, then apply approved requests whose window is open now. */
export async function applyWaitingApprovals(): Promise<void> {
  await expireDue();
  await recoverInterruptedApplies();
  for (const r of await approvedWaiting()) {
    try {
      await applyApproved(r.id);
    } catch (err) {
      logger.warn({ requestId: r.id, err: (err as Error).message }, "approved request not applied");
    }
  }
}

/**
 * A request left Applying by a process that stopped (its apply lease expired): if its run was
 * started, the request is Applied with that run; otherwise it goes back to Approved and this
 * tick applies it (the plan hash is checked again, so nothing unreviewed is applied).
 */
async function recoverInterruptedApplies(): Promise<void> {
  for (const r of await applyingRequests()) {
    const key = applyLeaseKey(r.id);
    if (!(await tryAcquireLease(key, PROCESS_ID, APPLY_LEASE_MS))) continue; // its applier is alive
    try {
      const runId = await findRunIdOfRequest(r.id);
      const done = runId
        ? await transitionRequest(r.id, ["Applying"], "Applied", { runId, reason: null })
        : await transitionRequest(r.id, ["Applying"], "Approved", { reason: "the replica applying it stopped; applying it again" });
      if (done) {
        logger.warn({ requestId: r.id, definition: r.definitionName, runId }, "recovered an approval request left Applying by a stopped replica");
        await audit("system", "approval.recover", r.definitionName, "ok", { requestId: r.id, runId, to: runId ? "Applied" : "Approved" });
      }
    } finally {
      await releaseLease(key, PROCESS_ID).catch(() => undefined);
    }
  }
}
