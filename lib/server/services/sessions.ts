/**
 * Dashboard sign-in and sign-out through better-auth. Every attempt passes the one password
 * limiter and is audited by better-auth.ts's sign-in hooks (with the user's id), so nothing is
 * recorded twice here.
 */
import "server-only";
import { isAPIError } from "better-auth/api";
import { getAuth } from "@/lib/server/auth/better-auth";

export type SignInResult = { ok: true } | { ok: false; error: string; retryAfterSeconds?: number };

/** ok when the password matched (better-auth set the session cookie through `headers`). */
export async function signInWithPassword(username: string, password: string, headers: Headers): Promise<SignInResult> {
  try {
    await (await getAuth()).api.signInUsername({ body: { username: username.toLowerCase(), password }, headers });
    return { ok: true };
  } catch (err) {
    if (isAPIError(err) && err.statusCode === 429) {
      const seconds = Number(new Headers(err.headers ?? undefined).get("retry-after")) || undefined;
      return { ok: false, error: `Too many failed sign-ins: try again in ${seconds ?? "a few"} s.`, retryAfterSeconds: seconds };
    }
    if (isAPIError(err) && err.body?.code === "ACCOUNT_DISABLED") return { ok: false, error: "This account is disabled; ask an admin." };
    return { ok: false, error: "Wrong username or password." };
  }
}

export async function endSession(headers: Headers): Promise<void> {
  await (await getAuth()).api.signOut({ headers });
}
