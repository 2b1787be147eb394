/**
 * API tokens: issued once to their owner, never above the owner's role, revocable, and expiring
 * (issue 19 L1). A token is minted only by its owner signed in (session) or with the password
 * (HTTP Basic), never by another token: a token that could mint tokens would outlive its own
 * revocation through its children.
 */
import "server-only";
import { newApiToken } from "@/lib/server/auth/tokens";
import { createApiTokenRow, getApiTokens, revokeApiToken } from "@/lib/server/data/tokens";
import { roleAtLeast } from "@/lib/server/auth/roles";
import { tokenInputSchema } from "@/lib/server/http/api-schemas";
import { AppError, notFound } from "@/lib/server/errors";
import { audit } from "@/lib/server/services/audit";
import { getEnv } from "@/lib/env";
import type { Principal } from "@/lib/server/auth/principal";

export const DEFAULT_TOKEN_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function issueApiToken(input: unknown, who: Principal) {
  if (who.via === "token") {
    throw new AppError("FORBIDDEN", "forbidden: an API token cannot create tokens; sign in or use HTTP Basic with your password");
  }
  const { name, role = who.role, expiresInDays } = tokenInputSchema.parse(input);
  if (!roleAtLeast(who.role, role)) throw new AppError("FORBIDDEN", `forbidden: you cannot issue a ${role} token as ${who.role}`);
  const maxDays = getEnv().SYNCLINE_TOKEN_MAX_DAYS;
  if (expiresInDays !== undefined && expiresInDays > maxDays) {
    throw new AppError("VALIDATION_FAILED", `expiresInDays: at most ${maxDays} days (SYNCLINE_TOKEN_MAX_DAYS)`, [
      { path: "expiresInDays", message: `at most ${maxDays}` },
    ]);
  }
  const days = expiresInDays ?? Math.min(DEFAULT_TOKEN_DAYS, maxDays);
  const expiresAt = new Date(Date.now() + days * DAY_MS);
  const t = newApiToken();
  const row = await createApiTokenRow({ name, tokenHash: t.hash, prefix: t.prefix, role, userId: who.userId, expiresAt });
  await audit(who, "token.create", name, "ok", { role, tokenId: row.id, expiresAt: expiresAt.toISOString() });
  return { id: row.id, name, role, token: t.token, prefix: t.prefix, createdAt: row.createdAt.toISOString(), expiresAt: expiresAt.toISOString() };
}

export async function listApiTokens(who: Principal) {
  return getApiTokens(who.role === "admin" ? undefined : who.userId);
}

export async function revokeToken(id: string, who: Principal): Promise<void> {
  const mine = await getApiTokens(who.role === "admin" ? undefined : who.userId);
  if (!mine.some((t) => t.id === id)) throw notFound(`token ${id}`);
  if (!(await revokeApiToken(id))) throw new AppError("CONFLICT", "token already revoked");
  await audit(who, "token.revoke", id);
}
