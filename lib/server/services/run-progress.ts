/**
 * Live progress of runs executing in this process (phase, done of total, last message).
 * Kept in memory because a run's writes happen in one transaction that other readers cannot
 * see until it commits; the run row carries the totals for other replicas.
 */
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
    map.set(id, { ...map.get(id), ...p });
  },
  get(id: string): RunProgress | undefined {
    return map.get(id);
  },
  delete(id: string): void {
    map.delete(id);
  },
};
