/**
 * The refresh queue: services and webhooks ask for a definition to be reconciled; the
 * scheduler (registered at bootstrap) does the work under the definition's lease. Kept here,
 * not in the scheduler, so a service never imports the scheduler.
 */
import "server-only";
import { peekProcessSingleton, setProcessSingleton } from "@/lib/server/runtime/singletons";

/** takeover: a run of a stopped replica was interrupted; its definition is reconciled again at once */
/** "window": a sync window that held an automated sync back has opened (issue 15) */
export type RefreshReason = "interval" | "webhook" | "retry" | "manual" | "takeover" | "window";

/** What one reconcile did, as the refresh API reports it. */
export interface RefreshWorkResult {
  definition: string;
  refresh: { kind: string; head: string | null; drifted: number; error?: string } | null;
  sync: { runId: string; phase: string } | { skipped: string };
}

export interface RefreshWorker {
  /** queue refreshes for the scheduler's next tick; false when no scheduler runs in this process */
  request(definitionIds: string[], reason: RefreshReason): boolean;
  /** reconcile one definition now under its lease; null when another replica holds it */
  runNow(definitionId: string): Promise<RefreshWorkResult | null>;
}

const KEY = "refresh-worker";

export function setRefreshWorker(worker: RefreshWorker | undefined): void {
  setProcessSingleton(KEY, worker);
}

function worker(): RefreshWorker {
  const w = peekProcessSingleton<RefreshWorker>(KEY);
  if (!w) throw new Error("no refresh worker in this process: bootstrap (lib/server/bootstrap.ts) installs the scheduler's");
  return w;
}

/** Ask for a refresh now (webhooks); repeated requests coalesce. False when the scheduler is off here. */
export function requestRefresh(definitionIds: string[], reason: RefreshReason): boolean {
  return peekProcessSingleton<RefreshWorker>(KEY)?.request(definitionIds, reason) ?? false;
}

/** For the refresh API: reconcile one definition now (null when another replica holds it). */
export function reconcileNow(definitionId: string): Promise<RefreshWorkResult | null> {
  return worker().runNow(definitionId);
}
