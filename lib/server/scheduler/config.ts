/** Scheduler timings from the environment (tests shorten them); defaults suit production. */
import "server-only";
import { getEnv } from "@/lib/env";

export interface SchedulerConfig {
  tickMs: number;
  minIntervalS: number;
  jitter: number;
  leaseTtlMs: number;
  runStaleMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export function schedulerConfig(): SchedulerConfig {
  const e = getEnv();
  return {
    tickMs: e.SYNCLINE_SCHEDULER_TICK_MS,
    minIntervalS: e.SYNCLINE_MIN_INTERVAL_S,
    jitter: e.SYNCLINE_REFRESH_JITTER,
    leaseTtlMs: e.SYNCLINE_LEASE_TTL_MS,
    runStaleMs: e.SYNCLINE_RUN_STALE_MS,
    backoffBaseMs: e.SYNCLINE_AUTO_BACKOFF_BASE_MS,
    backoffMaxMs: Math.max(e.SYNCLINE_AUTO_BACKOFF_MAX_MS, e.SYNCLINE_AUTO_BACKOFF_BASE_MS),
  };
}
