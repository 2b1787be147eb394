/**
 * Accounts and sessions through better-auth over our own database (Prisma adapter):
 * password hashing, session cookies and sign-in are the library's, not ours. Users sign in
 * with a username (username plugin); sign-up is closed: admins create users.
 */
import "server-only";
import { processSingleton } from "@/lib/server/runtime/singletons";
import { betterAuth } from "better-auth";
import { username } from "better-auth/plugins/username";
import { nextCookies } from "better-auth/next-js";
import { getAuthDatabase, type AuthDatabase } from "@/lib/server/data/auth-database";
import { getEnv } from "@/lib/env";
import { deriveKey } from "@/lib/server/crypto/secret-box";

function build(database: AuthDatabase) {
  const env = getEnv();
  const baseURL = env.SYNCLINE_PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  return betterAuth({
    appName: "Syncline",
    baseURL,
    basePath: "/api/auth",
    secret: deriveKey("better-auth").toString("hex"),
    database,
    trustedOrigins: [baseURL, `http://localhost:${env.PORT}`, `http://127.0.0.1:${env.PORT}`],
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8 },
    user: {
      additionalFields: {
        role: { type: "string", required: false, defaultValue: "viewer", input: false },
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    telemetry: { enabled: false },
    advanced: { useSecureCookies: baseURL.startsWith("https://") },
    plugins: [username(), nextCookies()],
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
