/** Limits of the live event stream, from the environment (defaults in the README's "Live pages"). */
import "server-only";
import { processSingleton } from "@/lib/server/runtime/singletons";

function int(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === "" ? def : Number(raw);
  return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : def;
}

export interface LiveConfig {
  /** open streams per user per process; one more is a 429 */
  maxStreamsPerUser: number;
  /** a comment line this often keeps proxies from closing an idle stream */
  heartbeatMs: number;
  /** how often a stream checks that its session or token is still valid (at most 60 s) */
  recheckMs: number;
  /** events kept for Last-Event-ID resumes */
  bufferSize: number;
  /** bytes a stream may have queued for a slow client before it is closed (the client resumes) */
  maxQueuedBytes: number;
}

export function liveConfig(): LiveConfig {
  return processSingleton("live-config", () => ({
    maxStreamsPerUser: int("SYNCLINE_EVENTS_MAX_STREAMS", 10, 1, 1000),
    heartbeatMs: int("SYNCLINE_EVENTS_HEARTBEAT_MS", 15_000, 100, 60_000),
    recheckMs: int("SYNCLINE_EVENTS_RECHECK_MS", 30_000, 100, 60_000),
    bufferSize: int("SYNCLINE_EVENTS_BUFFER", 1_000, 10, 100_000),
    maxQueuedBytes: int("SYNCLINE_EVENTS_MAX_QUEUED_BYTES", 512 * 1024, 16 * 1024, 64 * 1024 * 1024),
  }));
}
