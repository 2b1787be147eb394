/** Query functions for API tokens (hashes only; the token itself is never stored). */
import "server-only";
import { getDb } from "@/lib/server/db";

export async function createApiTokenRow(t: { name: string; tokenHash: string; prefix: string; role: string; userId: string; expiresAt: Date }) {
  return (await getDb()).apiToken.create({ data: t });
}

export async function findApiTokenByHash(tokenHash: string) {
  return (await getDb()).apiToken.findUnique({ where: { tokenHash }, include: { user: true } });
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
