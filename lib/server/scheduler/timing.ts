/**
 * Pure timing rules: when a definition is due for a refresh, and how long a failed
 * auto-sync of one commit waits before the next try (base doubling up to a ceiling).
 */

/** Delay before retry number `failures` (1 = after the first failure): base, 2×base, 4×base … ≤ max. */
export function backoffDelayMs(failures: number, baseMs: number, maxMs: number): number {
  const n = Math.max(1, Math.floor(failures));
  if (n > 40) return maxMs;
  return Math.min(maxMs, baseMs * 2 ** (n - 1));
}

/**
 * A stable per-definition jitter in [0, fraction·interval), so replicas agree on when a
 * definition is due and definitions with one interval do not all refresh in the same second.
 */
export function jitterMs(id: string, intervalMs: number, fraction: number): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return Math.floor(((h >>> 0) / 2 ** 32) * intervalMs * fraction);
}

export interface DueInput {
  id: string;
  intervalS: number;
  lastRefreshAt: Date | null;
  autoRetryAt: Date | null;
  autoFailedCommit: string | null;
}

/** Due when the interval (plus jitter) passed since the last refresh, or a backed-off retry is due. */
export function isDue(d: DueInput, now: number, opts: { minIntervalS: number; jitter: number }): boolean {
  if (!d.lastRefreshAt) return true;
  const intervalMs = Math.max(d.intervalS, opts.minIntervalS) * 1000;
  if (now >= d.lastRefreshAt.getTime() + intervalMs + jitterMs(d.id, intervalMs, opts.jitter)) return true;
  return d.autoFailedCommit !== null && d.autoRetryAt !== null && now >= d.autoRetryAt.getTime();
}

/**
 * How old a branch head shared with other definitions on the same repository may be
 * (services/shared-git.ts): on its interval, half the interval (one head check per repository
 * and interval); after a webhook, a few seconds (the webhook already dropped older heads);
 * otherwise (a retry, a manual refresh) none: ask the remote.
 */
export function headMaxAgeMs(intervalS: number, reason: string, opts: { minIntervalS: number }): number {
  if (reason === "interval") return (Math.max(intervalS, opts.minIntervalS) * 1000) / 2;
  if (reason === "webhook") return 10_000;
  return 0;
}
