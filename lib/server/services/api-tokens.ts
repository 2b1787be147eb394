/** API tokens: issued once to their owner, never above the owner's role, revocable. */
import "server-only";
import { newApiToken } from "@/lib/server/auth/tokens";
import { createApiTokenRow, getApiTokens, revokeApiToken } from "@/lib/server/data/tokens";
import { roleAtLeast } from "@/lib/server/auth/roles";
import { tokenInputSchema } from "@/lib/server/http/api-schemas";
import { AppError, notFound } from "@/lib/server/errors";
import { audit } from "@/lib/server/services/audit";
import type { Principal } from "@/lib/server/auth/principal";


export async function issueApiToken(input: unknown, who: Principal) {
  const { name, role = who.role } = tokenInputSchema.parse(input);
  if (!roleAtLeast(who.role, role)) throw new AppError("FORBIDDEN", `forbidden: you cannot issue a ${role} token as ${who.role}`);
  const t = newApiToken();
  const row = await createApiTokenRow({ name, tokenHash: t.hash, prefix: t.prefix, role, userId: who.userId });
  await audit(who, "token.create", name, "ok", { role });
  return { id: row.id, name, role, token: t.token, prefix: t.prefix, createdAt: row.createdAt.toISOString() };
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
