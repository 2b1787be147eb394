/**
 * The one limiter for every password check (issue 19 M2): the sign-in endpoint and the login
 * form (both through better-auth's sign-in, see better-auth.ts hooks) and HTTP Basic on
 * /api/v1/tokens (principal.ts). It counts failures, not requests, under three keys:
 *
 *   user name + client   locks after SYNCLINE_LOGIN_MAX_FAILURES failures
 *   client               locks after 4× that (one client trying many user names)
 *   user name            locks after 10× that (many clients guessing one account)
 *
 * A lock starts at 30 s and doubles with each further failure up to 15 min (the per-account
 * backoff); counts are forgotten an hour after the last failure; a right password clears the
 * user-name + client count. While locked, no password is checked at all. The client is the
 * address client-address.ts resolved (the socket peer, or what a trusted proxy forwarded), so a
 * client cannot reset its count by sending another X-Forwarded-For.
 *
 * The counts live in the database (LoginThrottle), so they hold across replicas and restarts.
 * Every failure is audited (`auth.login` denied, never with the password), and so is the start
 * of every lockout (`auth.lockout`); attempts refused while locked are not, so a locked-out
 * attacker cannot fill the audit log.
 */
import "server-only";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/server/errors";
import { recordAuditEvent } from "@/lib/server/data/audit";
import { findUserByUsername } from "@/lib/server/data/users";
import { clearThrottles, countThrottleFailure, findLockedThrottles, lockThrottle, pruneThrottles } from "@/lib/server/data/login-throttle";
import { logger } from "@/lib/server/logger";

const FIRST_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;

export type PasswordChannel = "sign-in" | "change-password" | "basic";

interface Key {
  key: string;
  max: number;
}

function keysFor(username: string, client: string): Key[] {
  const max = getEnv().SYNCLINE_LOGIN_MAX_FAILURES;
  const user = username.toLowerCase().slice(0, 100);
  return [
    { key: `user+client:${user}|${client}`, max },
    { key: `client:${client}`, max: max * 4 },
    { key: `user:${user}`, max: max * 10 },
  ];
}

/** The lock for the `failures`-th failure against a key that allows `max`, or 0. */
export function lockMsFor(failures: number, max: number): number {
  if (failures < max) return 0;
  return Math.min(FIRST_LOCK_MS * 2 ** Math.min(failures - max, 20), MAX_LOCK_MS);
}

export function tooManyAttempts(retryAfterSeconds: number): AppError {
  return new AppError("TOO_MANY_REQUESTS", `too many failed sign-ins: try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
}

/** Throws 429 (with the seconds to wait) while any of the caller's keys is locked. */
export async function assertPasswordCheckAllowed(username: string, client: string): Promise<void> {
  const now = new Date();
  const locked = await findLockedThrottles(
    keysFor(username, client).map((k) => k.key),
    now,
  );
  if (locked.length === 0) return;
  const until = Math.max(...locked.map((r) => r.lockedUntil!.getTime()));
  throw tooManyAttempts(Math.max(1, Math.ceil((until - now.getTime()) / 1000)));
}

export async function recordPasswordFailure(username: string, client: string, channel: PasswordChannel, reason = "wrong username or password"): Promise<void> {
  const now = new Date();
  const staleBefore = new Date(now.getTime() - FORGET_AFTER_MS);
  const user = await findUserByUsername(username.slice(0, 100)).catch(() => null);
  let lockedFor = 0;
  for (const k of keysFor(username, client)) {
    const failures = await countThrottleFailure(k.key, now, staleBefore);
    const ms = lockMsFor(failures, k.max);
    if (ms > 0) {
      await lockThrottle(k.key, new Date(now.getTime() + ms));
      lockedFor = Math.max(lockedFor, ms);
    }
  }
  const actor = username.slice(0, 100);
  await recordAuditEvent({ actor, actorId: user?.id ?? null, actorType: "user", action: "auth.login", result: "denied", details: { channel, client, reason } });
  if (lockedFor > 0) {
    logger.warn({ client, channel }, "password checks locked after repeated failures");
    await recordAuditEvent({
      actor,
      actorId: user?.id ?? null,
      actorType: "user",
      action: "auth.lockout",
      result: "denied",
      details: { channel, client, seconds: Math.round(lockedFor / 1000) },
    });
  }
  await pruneThrottles(staleBefore, now).catch(() => undefined);
}

export async function recordPasswordSuccess(username: string, client: string): Promise<void> {
  const [userAndClient] = keysFor(username, client);
  await clearThrottles([userAndClient!.key]);
}
