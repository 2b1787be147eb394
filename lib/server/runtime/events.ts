/**
 * The process's typed event bus. Services publish what happened (a run finished, a refresh
 * ended, a Git operation took so long); automation subscribes at bootstrap (metrics,
 * notifications, the scheduler's backoff, memory release). A service never imports its
 * listeners, which is what keeps services and automation free of import cycles.
 */
import "server-only";
import type { RunRow } from "@/lib/server/data/runs";
import { logger } from "@/lib/server/logger";
import { processSingleton } from "@/lib/server/runtime/singletons";

export interface RuntimeEvents {
  /** a run of this process reached its final phase (the row as stored) */
  "run-finished": { run: RunRow; definition: string; /** resources the run planned (0 when it ended early) */ planned: number };
  /** a run was created (the row as inserted) and is about to execute in this process */
  "run-started": { run: RunRow; definition: string };
  /** a run of this process moved on (phase, done of total); published often, listeners throttle */
  "run-progress": { runId: string; phase?: string; done?: number; total?: number };
  /** resources of a definition changed status: after a sync (deleted ones as "Deleted") or a refresh; null: too many to list */
  "resources-changed": { definitionId: string; changes: { namespace: string; name: string; status: string }[] | null };
  /** a run has its plan and is about to record and apply it; parsedFiles: files read anew (not from the cache) */
  "run-planned": { runId: string; parsedFiles: number };
  /** a refresh ended: cheap (nothing changed), full (re-planned), new-commit or error */
  "refresh-finished": { definition: string; result: "cheap" | "full" | "new-commit" | "error" };
  /** head checks (the pages' or the API's) found a moved head or a new or cleared Git error for these definitions */
  "heads-checked": { definitions: string[] };
  /** a resource's health changed (issue 14): notifications announce Degraded and recoveries */
  "health-changed": {
    definition: string;
    definitionId: string;
    kind: string;
    namespace: string;
    name: string;
    resource: string;
    from: string | null;
    to: string;
    message: string;
  };
  /** an approval request changed (issue 15): requested, approved (one vote), rejected */
  approval: {
    event: "approval.requested" | "approval.approved" | "approval.rejected";
    definition: string;
    requestId: string;
    by: string;
    summary: string;
    commit: string;
  };
  /** a remote Git operation ended (errorCode set when it failed) */
  "git-operation": { operation: string; seconds: number; errorCode?: string };
}

export type RuntimeEvent = keyof RuntimeEvents;
type Listener<E extends RuntimeEvent> = (payload: RuntimeEvents[E]) => void | Promise<void>;

const listeners = processSingleton("event-listeners", () => new Map<RuntimeEvent, Set<Listener<RuntimeEvent>>>());

/** Calls `fn` for every `event` from now on; returns the unsubscribe function. */
export function subscribe<E extends RuntimeEvent>(event: E, fn: Listener<E>): () => void {
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(fn as Listener<RuntimeEvent>);
  return () => void set.delete(fn as Listener<RuntimeEvent>);
}

/** Tells every subscriber; a failing listener is logged and never reaches the publisher. */
export function publish<E extends RuntimeEvent>(event: E, payload: RuntimeEvents[E]): void {
  for (const fn of listeners.get(event) ?? []) {
    try {
      void Promise.resolve(fn(payload)).catch((err) => logger.error({ err: (err as Error).message, event }, "event listener failed"));
    } catch (err) {
      logger.error({ err: (err as Error).message, event }, "event listener failed");
    }
  }
}

/** Subscribes once per process under `name` (bootstrap may run in several bundles). */
export function subscribeOnce<E extends RuntimeEvent>(name: string, event: E, fn: Listener<E>): void {
  processSingleton(`subscription:${name}`, () => subscribe(event, fn));
}
