/** Query functions for failed password checks (LoginThrottle): counts and lockouts per key. */
import "server-only";
import { getDb } from "@/lib/server/db";

export async function findLockedThrottles(keys: string[], now: Date) {
  return (await getDb()).loginThrottle.findMany({ where: { key: { in: keys }, lockedUntil: { gt: now } } });
}

/**
 * Counts one failure for `key` (atomically: concurrent failures all count) and returns the new
 * count. A count whose last failure is older than `staleBefore` and not locked starts again.
 */
export async function countThrottleFailure(key: string, now: Date, staleBefore: Date): Promise<number> {
  const db = await getDb();
  await db.loginThrottle.updateMany({
    where: { key, lastFailureAt: { lt: staleBefore }, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
    data: { failures: 0, lockedUntil: null },
  });
  const row = await db.loginThrottle.upsert({
    where: { key },
    create: { key, failures: 1, lastFailureAt: now },
    update: { failures: { increment: 1 }, lastFailureAt: now },
  });
  return row.failures;
}

export async function lockThrottle(key: string, until: Date): Promise<void> {
  await (await getDb()).loginThrottle.updateMany({ where: { key, OR: [{ lockedUntil: null }, { lockedUntil: { lt: until } }] }, data: { lockedUntil: until } });
}

export async function clearThrottles(keys: string[]): Promise<void> {
  await (await getDb()).loginThrottle.deleteMany({ where: { key: { in: keys } } });
}

/** Rows nobody has failed on for a while and that hold no lock: kept only to count. */
export async function pruneThrottles(staleBefore: Date, now: Date): Promise<void> {
  await (await getDb()).loginThrottle.deleteMany({ where: { lastFailureAt: { lt: staleBefore }, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] } });
}
