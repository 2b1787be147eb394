/**
 * Leases: rows in "Lease" that say "owner X holds key K until T". Claiming is one atomic
 * conditional upsert (insert, or take over only when the current lease expired or is ours),
 * so two replicas on one PostgreSQL can never both hold a key. Times come from the database
 * clock (UTC), never from the replicas' clocks.
 */
import "server-only";
import { getDb } from "@/lib/server/db";

/** true when `owner` now holds `key` for `ttlMs` */
export async function tryAcquireLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
  const rows = await (
    await getDb()
  ).$queryRaw<{ owner: string }[]>`
    INSERT INTO "Lease" ("key", "owner", "expiresAt")
    VALUES (${key}, ${owner}, (now() AT TIME ZONE 'UTC') + (${Math.round(ttlMs)}::int * interval '1 millisecond'))
    ON CONFLICT ("key") DO UPDATE SET "owner" = EXCLUDED."owner", "expiresAt" = EXCLUDED."expiresAt"
    WHERE "Lease"."expiresAt" < (now() AT TIME ZONE 'UTC') OR "Lease"."owner" = EXCLUDED."owner"
    RETURNING "owner"`;
  return rows.length === 1 && rows[0]?.owner === owner;
}

/** Extends a lease we hold; false when it was lost (expired and taken over). */
export async function renewLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
  const n = await (
    await getDb()
  ).$executeRaw`
    UPDATE "Lease" SET "expiresAt" = (now() AT TIME ZONE 'UTC') + (${Math.round(ttlMs)}::int * interval '1 millisecond')
    WHERE "key" = ${key} AND "owner" = ${owner}`;
  return n === 1;
}

export async function releaseLease(key: string, owner: string): Promise<void> {
  await (
    await getDb()
  ).$executeRaw`DELETE FROM "Lease" WHERE "key" = ${key} AND "owner" = ${owner}`;
}

/** Owners of expired leases under a prefix (e.g. "process:": replicas that stopped renewing). */
export async function getExpiredLeaseOwners(prefix: string): Promise<string[]> {
  const rows = await (
    await getDb()
  ).$queryRaw<{ owner: string }[]>`
    SELECT "owner" FROM "Lease" WHERE "key" LIKE ${`${prefix}%`} AND "expiresAt" < (now() AT TIME ZONE 'UTC')`;
  return rows.map((r) => r.owner);
}

/** Forgets leases expired for longer than `olderThanMs` (dead replicas' process leases). */
export async function deleteExpiredLeases(olderThanMs: number): Promise<number> {
  return (await getDb()).$executeRaw`
    DELETE FROM "Lease" WHERE "expiresAt" < (now() AT TIME ZONE 'UTC') - (${Math.round(olderThanMs)}::int * interval '1 millisecond')`;
}
