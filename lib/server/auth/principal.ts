/**
 * Who is calling: a bearer API token, HTTP Basic (only where a route allows it, to bootstrap a
 * token), or a better-auth session cookie. Every route handler and server action asks this
 * itself; middleware is never the only check. A disabled user is nobody on every path, and an
 * expired or revoked token is no token.
 */
import "server-only";
import crypto from "node:crypto";
import { getAuth } from "@/lib/server/auth/better-auth";
import { hashApiToken, TOKEN_PREFIX } from "@/lib/server/auth/tokens";
import { findApiTokenByHash, touchApiToken } from "@/lib/server/data/tokens";
import { findPasswordHash, findUserByUsername } from "@/lib/server/data/users";
import { isRole, roleAtLeast, type Role } from "@/lib/server/auth/roles";
import { AppError } from "@/lib/server/errors";
import { clientAddressOf } from "@/lib/server/auth/client-address";
import { assertPasswordCheckAllowed, recordPasswordFailure, recordPasswordSuccess } from "@/lib/server/auth/password-attempts";

export interface Principal {
  via: "session" | "token" | "basic";
  userId: string;
  username: string;
  role: Role;
  tokenId?: string;
}

/** Audit label: "alice" or "alice (token ci-bot)". */
export function principalLabel(p: Principal): string {
  return p.via === "token" ? `${p.username} (token)` : p.username;
}

async function fromBearer(token: string): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await findApiTokenByHash(hashApiToken(token));
  if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now() || row.user.disabledAt) return null;
  const role = isRole(row.role) ? row.role : "viewer";
  const userRole = isRole(row.user.role) ? row.user.role : "viewer";
  // A token never has more power than its owner has now.
  const effective = roleAtLeast(userRole, role) ? role : userRole;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) await touchApiToken(row.id);
  return { via: "token", userId: row.userId, username: row.user.username ?? row.user.name, role: effective, tokenId: row.id };
}

/**
 * HTTP Basic's password check, through the same limiter as sign-in (password-attempts.ts):
 * 429 while locked, failures counted and audited.
 */
export async function verifyPassword(username: string, password: string, client: string): Promise<Principal | null> {
  await assertPasswordCheckAllowed(username, client);
  const user = await findUserByUsername(username);
  const hash = user ? await findPasswordHash(user.id) : null;
  const auth = await getAuth();
  const ctx = await auth.$context;
  if (!user || !hash) {
    // Spend the same time as a real check so usernames cannot be probed by timing.
    await ctx.password.hash(password);
    await recordPasswordFailure(username, client, "basic");
    return null;
  }
  const ok = await ctx.password.verify({ hash, password });
  if (!ok) {
    await recordPasswordFailure(username, client, "basic");
    return null;
  }
  await recordPasswordSuccess(username, client);
  if (user.disabledAt) return null;
  return { via: "basic", userId: user.id, username: user.username ?? user.name, role: isRole(user.role) ? user.role : "viewer" };
}

async function fromBasic(value: string, headers: Headers): Promise<Principal | null> {
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i < 1) return null;
  return verifyPassword(decoded.slice(0, i), decoded.slice(i + 1), clientAddressOf(headers));
}

async function fromSession(headers: Headers): Promise<Principal | null> {
  const auth = await getAuth();
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  const u = session.user as typeof session.user & { role?: string; username?: string | null; disabledAt?: Date | null };
  if (u.disabledAt) return null;
  return { via: "session", userId: u.id, username: u.username ?? u.name, role: isRole(u.role) ? u.role : "viewer" };
}

export async function resolvePrincipal(headers: Headers, opts: { allowBasic?: boolean } = {}): Promise<Principal | null> {
  const authz = headers.get("authorization");
  if (authz) {
    const [scheme, value = ""] = authz.split(/\s+/, 2);
    if (scheme?.toLowerCase() === "bearer") return fromBearer(value.trim());
    if (scheme?.toLowerCase() === "basic" && opts.allowBasic) return fromBasic(value.trim(), headers);
    return null;
  }
  return fromSession(headers);
}

export function requireRole(p: Principal | null, need: Role): Principal {
  if (!p) throw new AppError("UNAUTHORIZED", "unauthorized: sign in or send a valid API token");
  if (!roleAtLeast(p.role, need)) throw new AppError("FORBIDDEN", `forbidden: this needs the ${need} role (you are ${p.role})`);
  return p;
}

/**
 * Cookie-authenticated mutations must come from our own pages. Tokens are not sent by
 * browsers on their own, so only the session path needs this check.
 */
export function assertSameOrigin(headers: Headers, requestUrl: string): void {
  const origin = headers.get("origin");
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  const expected = new Set<string>([new URL(requestUrl).origin]);
  if (host) {
    expected.add(`http://${host}`);
    expected.add(`https://${host}`);
  }
  if (!origin || origin === "null" || !expected.has(origin)) {
    throw new AppError("FORBIDDEN", "cross-origin request refused: cookie-authenticated changes must come from this site");
  }
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}
