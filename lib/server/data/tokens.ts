/** Query functions for API tokens (hashes only; the token itself is never stored). */
import "server-only";
import { getDb, getRawSql } from "@/lib/server/db";

export async function createApiTokenRow(t: { name: string; tokenHash: string; prefix: string; role: string; userId: string; expiresAt: Date }) {
  return (await getDb()).apiToken.create({ data: t });
}

/** What a bearer check needs of a token and its owner. */
export interface ApiTokenAuthRow {
  id: string;
  role: string;
  userId: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
  user: { role: string; username: string | null; name: string; disabledAt: Date | null };
}

/** timestamp(3) without a zone, read as text, holds UTC */
function utc(v: string | null): Date | null {
  return v === null ? null : new Date(`${v.replace(" ", "T")}Z`);
}

/**
 * The token and its owner by hash, in one raw statement: every API request makes this check, and
 * Prisma's query compiler cost more CPU than the query itself (~17 % of a status-write profile).
 */
export async function findApiTokenByHash(tokenHash: string): Promise<ApiTokenAuthRow | null> {
  const [r] = await (
    await getRawSql()
  ).prepared<{
    id: string;
    role: string;
    userId: string;
    lastUsedAt: string | null;
    revokedAt: string | null;
    expiresAt: string;
    userRole: string;
    username: string | null;
    name: string;
    disabledAt: string | null;
  }>(
    "token-by-hash",
    // timestamps as text (UTC without a zone), so the driver's local-time reading never applies
    `SELECT t."id", t."role", t."userId", t."lastUsedAt"::text AS "lastUsedAt", t."revokedAt"::text AS "revokedAt",
       t."expiresAt"::text AS "expiresAt", u."role" AS "userRole", u."username", u."name", u."disabledAt"::text AS "disabledAt"
     FROM "ApiToken" t JOIN "user" u ON u."id" = t."userId" WHERE t."tokenHash" = $1`,
    [tokenHash],
  );
  if (!r) return null;
  return {
    id: r.id,
    role: r.role,
    userId: r.userId,
    lastUsedAt: utc(r.lastUsedAt),
    revokedAt: utc(r.revokedAt),
    expiresAt: utc(r.expiresAt)!,
    user: { role: r.userRole, username: r.username, name: r.name, disabledAt: utc(r.disabledAt) },
  };
}

export async function touchApiToken(id: string): Promise<void> {
  await (await getDb()).apiToken.update({ where: { id }, data: { lastUsedAt: new Date() } });
}

export async function getApiTokens(userId?: string) {
  return (await getDb()).apiToken.findMany({
    where: userId ? { userId } : {},
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      name: true,
      prefix: true,
      role: true,
      userId: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      expiresAt: true,
      user: { select: { username: true } },
    },
  });
}

export async function revokeApiToken(id: string): Promise<boolean> {
  const r = await (await getDb()).apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  return r.count > 0;
}
