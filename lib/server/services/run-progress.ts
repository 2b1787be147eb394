/**
 * Live progress of runs executing in this process (phase, done of total, last message).
 * Kept in memory because a run's writes happen in one transaction that other readers cannot
 * see until it commits; the run row carries the totals for other replicas.
 */
import { publish } from "@/lib/server/runtime/events";
import { processSingleton } from "@/lib/server/runtime/singletons";

export interface RunProgress {
  phase?: string;
  done?: number;
  total?: number;
  message?: string;
}

const map = processSingleton("run-progress", () => new Map<string, RunProgress>());

export const runProgress = {
  set(id: string, p: RunProgress): void {
    const next = { ...map.get(id), ...p };
    map.set(id, next);
    // the live stream throttles these (lib/server/live); a message alone is not progress
    if (p.phase !== undefined || p.done !== undefined || p.total !== undefined)
      publish("run-progress", { runId: id, phase: next.phase, done: next.done, total: next.total });
  },
  get(id: string): RunProgress | undefined {
    return map.get(id);
  },
  delete(id: string): void {
    map.delete(id);
  },
};
