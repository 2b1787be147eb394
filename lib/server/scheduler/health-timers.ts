/**
 * The health sweeper (issue 14): resources whose `healthDueAt` came (a spec change, a progress
 * deadline, a stale timer) get their health recomputed. The due times are stored, so timers
 * survive restarts; the sweep runs under the `health-timers` lease, so with several replicas on
 * one PostgreSQL one replica does it at a time. Called from every scheduler tick.
 */
import "server-only";
import { releaseLease, tryAcquireLease } from "@/lib/server/data/leases";
import { anyHealthDue } from "@/lib/server/data/resource-health";
import { logger } from "@/lib/server/logger";
import { PROCESS_ID } from "@/lib/server/runtime/process-id";
import { processSingleton } from "@/lib/server/runtime/singletons";
import { sweepDueHealth } from "@/lib/server/services/resource-health";

export const HEALTH_LEASE_KEY = "health-timers";
const BATCH = 500;

const state = processSingleton("health-sweeper", () => ({ running: false }));

export async function sweepHealthTimers(leaseTtlMs: number): Promise<void> {
  if (state.running) return;
  state.running = true;
  try {
    // nothing due (an idle server, every tick): no lease taken and released, nothing written
    if (!(await anyHealthDue())) return;
    if (!(await tryAcquireLease(HEALTH_LEASE_KEY, PROCESS_ID, leaseTtlMs))) return;
    try {
      // a large sync makes thousands of rows due at once: batches until none is left
      while ((await sweepDueHealth(BATCH)) === BATCH);
    } finally {
      await releaseLease(HEALTH_LEASE_KEY, PROCESS_ID).catch(() => undefined);
    }
  } catch (err) {
    logger.warn({ err: (err as Error).message }, "health sweep failed");
  } finally {
    state.running = false;
  }
}
