/** Query functions for users. Creating users and passwords goes through better-auth. */
import "server-only";
import type { Prisma, PrismaClient } from "@prisma/client";
import { getDb } from "@/lib/server/db";

export async function findUserByUsername(username: string) {
  return (await getDb()).user.findUnique({ where: { username: username.toLowerCase() } });
}

export async function findUserById(id: string) {
  return (await getDb()).user.findUnique({ where: { id } });
}

export async function getUsers() {
  return (await getDb()).user.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, username: true, name: true, role: true, disabledAt: true, createdAt: true },
  });
}

export async function countUsers(): Promise<number> {
  return (await getDb()).user.count();
}

export async function findPasswordHash(userId: string): Promise<string | null> {
  const acc = await (await getDb()).account.findFirst({ where: { userId, providerId: "credential" } });
  return acc?.password ?? null;
}

/**
 * The last-admin guard (issue 18): a change that would leave no enabled admin changes nothing.
 * Each change is one guarded statement after a transaction-scoped advisory lock, so two admins
 * demoting each other at the same moment are serialised and the second one is refused.
 * Returns the changed row's id, or null when nothing changed (no such user, or the last admin).
 */
const ADMIN_GUARD_LOCK = 727_002; // arbitrary, constant across releases

async function guarded(statement: (db: PrismaClient) => Prisma.PrismaPromise<unknown>): Promise<string | null> {
  const db = await getDb();
  const [, rows] = await db.$transaction([db.$queryRaw`SELECT pg_advisory_xact_lock(${ADMIN_GUARD_LOCK})::text AS locked`, statement(db)]);
  return (rows as { id: string }[])[0]?.id ?? null;
}

export async function setUserRoleUnlessLastAdmin(id: string, role: string): Promise<string | null> {
  return guarded(
    (db) => db.$queryRaw`
      UPDATE "user" u SET "role" = ${role}, "updatedAt" = (now() AT TIME ZONE 'UTC')
      WHERE u."id" = ${id} AND (${role} = 'admin' OR NOT (u."role" = 'admin' AND u."disabledAt" IS NULL)
        OR EXISTS (SELECT 1 FROM "user" o WHERE o."id" <> ${id} AND o."role" = 'admin' AND o."disabledAt" IS NULL))
      RETURNING u."id"`,
  );
}

export async function setUserDisabledUnlessLastAdmin(id: string, disabled: boolean): Promise<string | null> {
  return guarded(
    (db) => db.$queryRaw`
      UPDATE "user" u SET "disabledAt" = CASE WHEN ${disabled} THEN COALESCE(u."disabledAt", now() AT TIME ZONE 'UTC') ELSE NULL END,
        "updatedAt" = (now() AT TIME ZONE 'UTC')
      WHERE u."id" = ${id} AND (NOT ${disabled} OR NOT (u."role" = 'admin' AND u."disabledAt" IS NULL)
        OR EXISTS (SELECT 1 FROM "user" o WHERE o."id" <> ${id} AND o."role" = 'admin' AND o."disabledAt" IS NULL))
      RETURNING u."id"`,
  );
}

/** Deletes the user with their sessions, accounts and API tokens (foreign keys cascade). */
export async function deleteUserUnlessLastAdmin(id: string): Promise<string | null> {
  return guarded(
    (db) => db.$queryRaw`
      DELETE FROM "user" u
      WHERE u."id" = ${id} AND (NOT (u."role" = 'admin' AND u."disabledAt" IS NULL)
        OR EXISTS (SELECT 1 FROM "user" o WHERE o."id" <> ${id} AND o."role" = 'admin' AND o."disabledAt" IS NULL))
      RETURNING u."id"`,
  );
}

/** A new user name; the synthetic e-mail follows it (it is unique and derived from the name). */
export async function renameUserRow(id: string, username: string) {
  return (await getDb()).user.update({ where: { id }, data: { username, displayUsername: username, email: `${username}@users.syncline.local` } });
}

/** Ends every session of a user at once; returns how many there were. */
export async function deleteSessionsOfUser(userId: string): Promise<number> {
  return (await (await getDb()).session.deleteMany({ where: { userId } })).count;
}

/** Enabled admins other than `exceptId`: zero means `exceptId` is the last one. */
export async function countOtherEnabledAdmins(exceptId: string): Promise<number> {
  return (await getDb()).user.count({ where: { role: "admin", disabledAt: null, id: { not: exceptId } } });
}
