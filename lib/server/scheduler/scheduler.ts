/**
 * The automation loop, one per server process. Every tick it:
 *   1. ends runs whose process is gone (stale heartbeat, or the replica's process lease expired) as Interrupted;
 *   2. finds definitions due for a refresh (interval + jitter, a due retry, or a webhook/API request);
 *   3. for each, claims the lease "definition:<id>" in the database and reconciles it.
 * Leases make every due refresh/sync run once across replicas; a replica that dies stops
 * renewing, its leases expire, and another replica takes the work over. Its state is a process
 * singleton (runtime/singletons.ts): Next may load this module in more than one bundle. It is
 * the refresh queue's worker (runtime/refresh-queue.ts) and clears auto-sync backoff on
 * "run-finished"; services never import it.
 */
import "server-only";
import { findDefinitionById, type DefinitionRow } from "@/lib/server/data/definitions";
import { clearAutoBackoff, clearExpiredSuspensions, getDefinitionNames, getDefinitionsByIds, getSchedulerHeads } from "@/lib/server/data/definition-automation";
import { deleteExpiredLeases, getExpiredLeaseOwners, releaseLease, renewLease, tryAcquireLease } from "@/lib/server/data/leases";
import { interruptDeadRuns } from "@/lib/server/data/run-sweep";
import { deleteDeliveriesBefore } from "@/lib/server/data/webhook-deliveries";
import { PROCESS_ID } from "@/lib/server/runtime/process-id";
import { subscribeOnce } from "@/lib/server/runtime/events";
import { setRefreshWorker } from "@/lib/server/runtime/refresh-queue";
import { peekProcessSingleton, setProcessSingleton } from "@/lib/server/runtime/singletons";
import { audit } from "@/lib/server/services/audit";
import { setDeliveryKick } from "@/lib/server/notifications/notify";
import { deliverDueNotifications } from "@/lib/server/notifications/deliver";
import { observeRun } from "@/lib/server/metrics/registry";
import { logger } from "@/lib/server/logger";
import { schedulerConfig, type SchedulerConfig } from "@/lib/server/scheduler/config";
import { reconcile, type ReconcileReason, type ReconcileResult } from "@/lib/server/scheduler/reconcile";
import { headMaxAgeMs, isDue } from "@/lib/server/scheduler/timing";
import { findUnchangedInBulk, settleUnchanged } from "@/lib/server/services/refresh-bulk";
import { sweepHealthTimers } from "@/lib/server/scheduler/health-timers";
import { applyWaitingApprovals } from "@/lib/server/services/approvals";

const MAX_CONCURRENT = 8;
const HOUSEKEEPING_EVERY_MS = 60_000;

interface SchedulerState {
  cfg: SchedulerConfig;
  stopped: boolean;
  timer?: NodeJS.Timeout;
  processLeaseTimer?: NodeJS.Timeout;
  /** definition id → why a refresh was asked for (coalesces many requests into one) */
  pending: Map<string, ReconcileReason>;
  running: Set<string>;
  ticking: boolean;
  again: boolean;
  lastHousekeeping: number;
  delivering: boolean;
  /** due work was left for lack of a free worker */
  backlog?: boolean;
  /** issue 15: definition id → when the sync window that held its automated sync back opens */
  windowWait?: Map<string, number>;
  lastApprovalsPass?: number;
  /** when runs of stopped replicas were last looked for (sweep) */
  lastDeadRunSweep?: number;
  approvalsBusy?: boolean;
}

const STATE = "scheduler";
const current = () => peekProcessSingleton<SchedulerState>(STATE);

/**
 * The scheduler's part of every run of this process (also with the scheduler off): a manual
 * success ends an auto-sync backoff; and it serves the refresh queue (the refresh API, webhooks).
 */
export function installRunHooks(): void {
  subscribeOnce("scheduler:backoff", "run-finished", async ({ run }) => {
    if (!run.dryRun && run.phase === "Succeeded" && run.trigger !== "auto" && run.trigger !== "webhook") await clearAutoBackoff(run.definitionId);
  });
  setRefreshWorker({ request: requestRefresh, runNow: reconcileNow });
}

export const processLeaseKey = (owner = PROCESS_ID) => `process:${owner}`;
export const definitionLeaseKey = (id: string) => `definition:${id}`;

export function schedulerRunning(): boolean {
  const s = current();
  return !!s && !s.stopped;
}

export async function startScheduler(): Promise<void> {
  if (schedulerRunning()) return;
  const cfg = schedulerConfig();
  const s: SchedulerState = {
    cfg,
    stopped: false,
    pending: new Map(),
    running: new Set(),
    ticking: false,
    again: false,
    lastHousekeeping: 0,
    delivering: false,
  };
  setProcessSingleton(STATE, s);
  await tryAcquireLease(processLeaseKey(), PROCESS_ID, cfg.leaseTtlMs);
  s.processLeaseTimer = setInterval(
    () => {
      void tryAcquireLease(processLeaseKey(), PROCESS_ID, cfg.leaseTtlMs).catch((err) =>
        logger.warn({ err: (err as Error).message }, "process lease renewal failed"),
      );
    },
    Math.max(200, Math.floor(cfg.leaseTtlMs / 3)),
  );
  s.processLeaseTimer.unref();
  installRunHooks();
  setDeliveryKick(() => void deliverNotifications(s));
  logger.info({ process: PROCESS_ID, tickMs: cfg.tickMs, leaseTtlMs: cfg.leaseTtlMs }, "scheduler started");
  schedule(s, 0);
}

export async function stopScheduler(): Promise<void> {
  const s = current();
  if (!s) return;
  s.stopped = true;
  if (s.timer) clearTimeout(s.timer);
  if (s.processLeaseTimer) clearInterval(s.processLeaseTimer);
  setDeliveryKick(undefined);
  await releaseLease(processLeaseKey(), PROCESS_ID).catch(() => undefined);
}

function schedule(s: SchedulerState, ms: number): void {
  if (s.stopped) return;
  if (s.timer) clearTimeout(s.timer);
  s.timer = setTimeout(() => void tick(s), ms);
  s.timer.unref();
}

/** Ask for a refresh now (webhooks, the refresh API); repeated requests coalesce. */
export function requestRefresh(definitionIds: string[], reason: ReconcileReason): boolean {
  const s = current();
  if (!s || s.stopped) return false;
  for (const id of definitionIds) {
    const cur = s.pending.get(id);
    // a webhook request keeps its label so the run it causes says "webhook"
    if (!cur || reason === "webhook") s.pending.set(id, reason);
  }
  kick(s);
  return true;
}

function kick(s: SchedulerState): void {
  if (s.ticking) s.again = true;
  else schedule(s, 0);
}

async function tick(s: SchedulerState): Promise<void> {
  if (s.stopped || s.ticking) return;
  s.ticking = true;
  s.again = false;
  try {
    await sweep(s);
    const now = Date.now();
    if (now - s.lastHousekeeping > HOUSEKEEPING_EVERY_MS) {
      s.lastHousekeeping = now;
      await housekeeping();
    }
    // requests, opened sync windows, and light rows of what may be due on its interval (an idle
    // tick reads none); full rows only for what is due
    const reasons = new Map<string, ReconcileReason>();
    for (const [id, reason] of s.pending) if (!s.running.has(id)) reasons.set(id, reason);
    for (const id of s.windowWait?.keys() ?? []) {
      if (s.running.has(id) || reasons.has(id)) continue;
      const opened = windowOpened(s, id, now);
      if (opened) reasons.set(id, opened);
    }
    for (const head of await getSchedulerHeads(now, s.cfg.minIntervalS)) {
      if (s.running.has(head.id) || reasons.has(head.id)) continue;
      if (isDue(dueInput(head), now, s.cfg)) reasons.set(head.id, head.autoRetryAt && head.autoRetryAt.getTime() <= now ? "retry" : "interval");
    }
    const rows = await getDefinitionsByIds([...reasons.keys()]);
    // a request for a definition that is gone, or has no gitops section any more, is dropped
    const found = new Set(rows.filter((r) => r.gitops !== null).map((r) => r.id));
    for (const id of reasons.keys()) if (!found.has(id)) s.pending.delete(id);
    const due = rows.filter((row) => found.has(row.id)).map((row) => ({ row, reason: reasons.get(row.id)! }));
    // Definitions on their interval or after a webhook: one head check per repository and branch
    // (a webhook's fetches the branch in the same operation), and those whose path did not change
    // are settled together (services/refresh-bulk.ts). The reconciles of what changed start
    // first: the bulk write for the rest does not hold them back.
    const candidates = await findUnchangedInBulk(
      due
        .filter((d) => d.reason === "interval" || d.reason === "webhook")
        .map((d) => ({ row: d.row, headMaxAgeMs: headMaxAgeMs(dueInput(d.row).intervalS, d.reason, s.cfg), fetch: d.reason === "webhook" })),
    );
    s.backlog = false;
    const start = (list: typeof due) => {
      for (const { row, reason } of list) {
        if (s.running.size >= MAX_CONCURRENT) {
          s.backlog = true; // picked up as soon as a worker is free
          return;
        }
        s.pending.delete(row.id);
        void work(s, row.id, reason);
      }
    };
    start(due.filter((d) => !candidates.has(d.row.id)));
    const settled = candidates.size > 0 ? await settleUnchanged(candidates) : new Set<string>();
    for (const { row, reason } of due) if (settled.has(row.id) && s.pending.get(row.id) === reason) s.pending.delete(row.id);
    if (!s.backlog) start(due.filter((d) => candidates.has(d.row.id) && !settled.has(d.row.id) && !s.running.has(d.row.id)));
    void deliverNotifications(s);
    void sweepHealthTimers(s.cfg.leaseTtlMs);
    approvalsPass(s, now);
  } catch (err) {
    logger.error({ err: (err as Error).message }, "scheduler tick failed");
  } finally {
    s.ticking = false;
    schedule(s, s.again ? 0 : s.cfg.tickMs);
  }
}

function dueInput(row: { id: string; gitops: unknown } & Pick<DefinitionRow, "lastRefreshAt" | "autoRetryAt" | "autoFailedCommit">) {
  return {
    id: row.id,
    intervalS: (row.gitops as { interval?: number } | null)?.interval ?? 300,
    lastRefreshAt: row.lastRefreshAt,
    autoRetryAt: row.autoRetryAt,
    autoFailedCommit: row.autoFailedCommit,
  };
}

/** Claims the definition's lease and reconciles; without the lease, a requested refresh stays pending. */
async function work(s: SchedulerState, id: string, reason: ReconcileReason): Promise<ReconcileResult | null> {
  s.running.add(id);
  const key = definitionLeaseKey(id);
  let held = false;
  let renew: NodeJS.Timeout | undefined;
  try {
    held = await tryAcquireLease(key, PROCESS_ID, s.cfg.leaseTtlMs);
    if (!held) {
      // another replica works on it; a requested refresh must still happen after that work
      if (reason === "webhook" || reason === "manual" || reason === "takeover") s.pending.set(id, s.pending.get(id) ?? reason);
      return null;
    }
    renew = setInterval(() => void renewLease(key, PROCESS_ID, s.cfg.leaseTtlMs).catch(() => undefined), Math.max(200, Math.floor(s.cfg.leaseTtlMs / 3)));
    renew.unref();
    // Re-read under the lease: another replica may have just done this work.
    const row = await findDefinitionById(id);
    if (!row || !row.gitops) return null;
    if ((reason === "interval" || reason === "retry") && !isDue(dueInput(row), Date.now(), s.cfg)) return null;
    const result = await reconcile(row, reason, s.cfg, { headMaxAgeMs: headMaxAgeMs(dueInput(row).intervalS, reason, s.cfg) });
    noteWindowWait(s, id, result);
    if ("runId" in result.sync) logger.info({ definition: row.name, reason, ...result.sync }, "auto-sync finished");
    return result;
  } catch (err) {
    logger.error({ definition: id, err: (err as Error).message }, "reconcile failed");
    return null;
  } finally {
    if (renew) clearInterval(renew);
    if (held) await releaseLease(key, PROCESS_ID).catch(() => undefined);
    s.running.delete(id);
    // a request that came in while we worked gets its turn now (one that waits for another replica's lease waits for the next tick), and so does due work this worker's slot held back
    if ((held && s.pending.has(id)) || s.backlog) kick(s);
  }
}

/**
 * Sync windows (issue 15), kept apart from the rest of the loop: an automated sync a window held
 * back is due again on the first tick after the window opens (reason "window").
 */
function noteWindowWait(s: SchedulerState, id: string, result: ReconcileResult): void {
  const at = "windowOpensAt" in result.sync && result.sync.windowOpensAt ? Date.parse(result.sync.windowOpensAt) : null;
  s.windowWait ??= new Map();
  if (at) s.windowWait.set(id, at);
  else s.windowWait.delete(id);
}

/** Expire approval requests and apply approved ones whose window opened: every few seconds, one pass at a time. */
function approvalsPass(s: SchedulerState, now: number): void {
  if (s.approvalsBusy || now - (s.lastApprovalsPass ?? 0) < Math.max(s.cfg.tickMs, 5000)) return;
  s.approvalsBusy = true;
  s.lastApprovalsPass = now;
  void applyWaitingApprovals()
    .catch((err) => logger.warn({ err: (err as Error).message }, "approved requests pass failed"))
    .finally(() => (s.approvalsBusy = false));
}

function windowOpened(s: SchedulerState, id: string, now: number): ReconcileReason | undefined {
  const at = s.windowWait?.get(id);
  if (at === undefined || now < at) return undefined;
  s.windowWait!.delete(id);
  return "window";
}

/** Runs whose owner stopped (heartbeat stale, or its process lease expired) end Interrupted; their definitions are picked up here. */
async function sweep(s: SchedulerState): Promise<void> {
  // not every tick: a dead owner is seen only after its lease (or heartbeat) expired, so a third of
  // the shorter of the two is soon enough (5 s at most), and an idle server writes nothing per tick
  const now = Date.now();
  const every = Math.min(5000, s.cfg.leaseTtlMs / 3, s.cfg.runStaleMs / 3);
  if (now - (s.lastDeadRunSweep ?? 0) < every) return;
  s.lastDeadRunSweep = now;
  const deadOwners = (await getExpiredLeaseOwners("process:")).filter((o) => o !== PROCESS_ID);
  const interrupted = await interruptDeadRuns({ heartbeatBefore: new Date(Date.now() - s.cfg.runStaleMs), deadOwners, excludeOwner: PROCESS_ID });
  if (interrupted.length === 0) return;
  const names = await getDefinitionNames();
  for (const r of interrupted) {
    const name = names.get(r.definitionId)?.name ?? r.definitionId;
    observeRun({ definition: name, trigger: r.trigger, phase: "Interrupted", durationMs: r.durationMs });
    logger.warn({ definition: name, runId: r.id, owner: r.owner }, "marked a run of a stopped replica as Interrupted");
    s.pending.set(r.definitionId, s.pending.get(r.definitionId) ?? "takeover");
  }
}

async function housekeeping(): Promise<void> {
  for (const name of await clearExpiredSuspensions()) await audit("system", "definition.unsuspend", name, "ok", { reason: "suspension expired" });
  await deleteExpiredLeases(24 * 3600_000);
  await deleteDeliveriesBefore(new Date(Date.now() - 7 * 24 * 3600_000));
}

async function deliverNotifications(s: SchedulerState): Promise<void> {
  if (s.delivering || s.stopped) return;
  s.delivering = true;
  try {
    while ((await deliverDueNotifications()) > 0 && !s.stopped) {
      /* drain what is due */
    }
  } catch (err) {
    logger.error({ err: (err as Error).message }, "notification delivery pass failed");
  } finally {
    s.delivering = false;
  }
}

/** For the refresh API: reconcile one definition now under its lease (null when another replica holds it). */
export async function reconcileNow(id: string): Promise<ReconcileResult | null> {
  const s = current() ?? {
    cfg: schedulerConfig(),
    stopped: true,
    pending: new Map(),
    running: new Set(),
    ticking: false,
    again: false,
    lastHousekeeping: 0,
    delivering: false,
  };
  return work(s, id, "manual");
}
