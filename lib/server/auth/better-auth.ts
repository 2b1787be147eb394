/**
 * Accounts and sessions through better-auth over our own database (Prisma adapter):
 * password hashing, session cookies and sign-in are the library's, not ours. Users sign in
 * with a username (username plugin); sign-up is closed: admins create users.
 *
 * What we add around the library (issue 19):
 * - every password check it makes (sign-in, change-password) goes through our one limiter
 *   (password-attempts.ts): refused with 429 + Retry-After while locked, failures counted and
 *   audited (the hooks below);
 * - a user name is changed only by an admin (PATCH /api/v1/users/{id}, audited); an admin's own
 *   update-user with a new name is audited too, and reserved names are refused;
 * - a disabled account gets no session;
 * - session tokens are stored as SHA-256 hashes (session-token-hash.ts);
 * - `is-username-available` (it told anyone which accounts exist) and e-mail sign-in (a second
 *   password check; our e-mail addresses are synthetic) are switched off.
 */
import "server-only";
import { processSingleton } from "@/lib/server/runtime/singletons";
import { betterAuth } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { username } from "better-auth/plugins/username";
import { nextCookies } from "better-auth/next-js";
import { getAuthDatabase, type AuthDatabase } from "@/lib/server/data/auth-database";
import { findUserById } from "@/lib/server/data/users";
import { recordAuditEvent } from "@/lib/server/data/audit";
import { getEnv } from "@/lib/env";
import { deriveKey } from "@/lib/server/crypto/secret-box";
import { AppError } from "@/lib/server/errors";
import { withHashedSessionTokens } from "@/lib/server/auth/session-token-hash";
import { clientAddressOf } from "@/lib/server/auth/client-address";
import { assertPasswordCheckAllowed, recordPasswordFailure, recordPasswordSuccess } from "@/lib/server/auth/password-attempts";
import { RESERVED_USERNAMES, USERNAME_PATTERN } from "@/lib/server/auth/usernames";

type HookContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

const SIGN_IN = "/sign-in/username";
const CHANGE_PASSWORD = "/change-password";
const UPDATE_USER = "/update-user";

function bodyField(ctx: HookContext, field: string): string | undefined {
  const v = (ctx.body as Record<string, unknown> | undefined)?.[field];
  return typeof v === "string" ? v : undefined;
}

function clientOf(ctx: HookContext): string {
  return ctx.headers ? clientAddressOf(ctx.headers) : "unknown";
}

/** Whose password a request checks: the name typed at sign-in, or the signed-in user's. */
async function passwordSubject(ctx: HookContext): Promise<string | undefined> {
  if (ctx.path === SIGN_IN) return bodyField(ctx, "username")?.toLowerCase();
  if (ctx.path === CHANGE_PASSWORD) {
    const s = await getSessionFromCtx(ctx);
    return (s?.user as { username?: string | null } | undefined)?.username ?? undefined;
  }
  return undefined;
}

const before = createAuthMiddleware(async (ctx) => {
  if (ctx.path === SIGN_IN || ctx.path === CHANGE_PASSWORD) {
    const subject = await passwordSubject(ctx);
    if (!subject) return;
    try {
      await assertPasswordCheckAllowed(subject, clientOf(ctx));
    } catch (err) {
      if (err instanceof AppError && err.code === "TOO_MANY_REQUESTS") {
        const seconds = (err.details as { retryAfterSeconds: number }).retryAfterSeconds;
        throw new APIError("TOO_MANY_REQUESTS", { message: err.message, code: "TOO_MANY_REQUESTS" }, { "retry-after": String(seconds) });
      }
      throw err;
    }
  }
  if (ctx.path === UPDATE_USER) {
    const name = bodyField(ctx, "username");
    if (name === undefined && bodyField(ctx, "displayUsername") === undefined) return;
    const session = await getSessionFromCtx(ctx);
    const role = (session?.user as { role?: string } | undefined)?.role;
    if (role !== "admin") {
      throw new APIError("FORBIDDEN", { message: "a user name is changed by an admin (PATCH /api/v1/users/{id}), not by its user", code: "FORBIDDEN" });
    }
    if (name !== undefined && RESERVED_USERNAMES.has(name.toLowerCase())) {
      throw new APIError("BAD_REQUEST", {
        message: `username: "${name.toLowerCase()}" is reserved (the server uses it for its own actions)`,
        code: "USERNAME_RESERVED",
      });
    }
  }
});

const after = createAuthMiddleware(async (ctx) => {
  const returned = ctx.context.returned;
  if (ctx.path === SIGN_IN || ctx.path === CHANGE_PASSWORD) {
    const subject = await passwordSubject(ctx);
    if (!subject) return;
    const client = clientOf(ctx);
    const channel = ctx.path === SIGN_IN ? "sign-in" : "change-password";
    if (isAPIError(returned)) {
      const failed = ctx.path === SIGN_IN ? returned.statusCode === 401 : returned.body?.code === "INVALID_PASSWORD";
      if (failed) await recordPasswordFailure(subject, client, channel);
      else if (returned.body?.code === "ACCOUNT_DISABLED") {
        await recordAuditEvent({
          actor: subject,
          actorType: "user",
          action: "auth.login",
          result: "denied",
          details: { channel, client, reason: "account disabled" },
        });
      }
      return;
    }
    await recordPasswordSuccess(subject, client);
    // a successful sign-in is audited for the login form (a server-side call, no Request), as
    // it always was; failures are audited on every channel (password-attempts.ts)
    if (ctx.path === SIGN_IN && !ctx.request) {
      const user = ctx.context.newSession?.user as { id: string; username?: string | null } | undefined;
      await recordAuditEvent({
        actor: user?.username ?? subject,
        actorId: user?.id ?? null,
        actorType: "user",
        action: "auth.login",
        result: "ok",
        details: { channel, client },
      });
    }
    return;
  }
  if (ctx.path === UPDATE_USER && !isAPIError(returned) && bodyField(ctx, "username") !== undefined) {
    const s = ctx.context.session ?? (await getSessionFromCtx(ctx));
    const u = s?.user as { id: string; username?: string | null } | undefined;
    if (u)
      await recordAuditEvent({
        actor: u.username ?? u.id,
        actorId: u.id,
        actorType: "user",
        action: "user.rename",
        target: u.id,
        result: "ok",
        details: { username: bodyField(ctx, "username")!.toLowerCase(), via: "update-user" },
      });
  }
});

function build(database: AuthDatabase) {
  const env = getEnv();
  const baseURL = env.SYNCLINE_PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  return betterAuth({
    appName: "Syncline",
    baseURL,
    basePath: "/api/auth",
    secret: deriveKey("better-auth").toString("hex"),
    database: withHashedSessionTokens(database),
    trustedOrigins: [baseURL, `http://localhost:${env.PORT}`, `http://127.0.0.1:${env.PORT}`],
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8 },
    disabledPaths: ["/is-username-available", "/sign-in/email"],
    user: {
      additionalFields: {
        role: { type: "string", required: false, defaultValue: "viewer", input: false },
        disabledAt: { type: "date", required: false, input: false },
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    databaseHooks: {
      session: {
        create: {
          // every sign-in path ends here: a disabled account gets no session
          before: async (session) => {
            const user = await findUserById(session.userId);
            if (user?.disabledAt) throw new APIError("FORBIDDEN", { message: "this account is disabled; ask an admin", code: "ACCOUNT_DISABLED" });
          },
        },
      },
    },
    hooks: { before, after },
    // better-auth's own per-address request limit (3 sign-ins / 10 s) stays off where our
    // limiter counts the password checks; every other path keeps the library's limit
    rateLimit: { customRules: { [SIGN_IN]: false, [CHANGE_PASSWORD]: false } },
    telemetry: { enabled: false },
    advanced: { useSecureCookies: baseURL.startsWith("https://") },
    plugins: [
      username({
        minUsernameLength: 2,
        maxUsernameLength: 63,
        usernameValidator: (name) => USERNAME_PATTERN.test(name),
        validationOrder: { username: "post-normalization" },
      }),
      nextCookies(),
    ],
  });
}

export type Auth = ReturnType<typeof build>;

const g = processSingleton("auth", () => ({}) as { __synclineAuth?: Promise<Auth> });

export function getAuth(): Promise<Auth> {
  g.__synclineAuth ??= getAuthDatabase().then(build);
  return g.__synclineAuth;
}

export function resetAuthForTests(): void {
  g.__synclineAuth = undefined;
}
