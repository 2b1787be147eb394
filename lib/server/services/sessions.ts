/** Dashboard sign-in and sign-out: better-auth sessions, every attempt audited under the name typed. */
import "server-only";
import { getAuth } from "@/lib/server/auth/better-auth";
import { findUserByUsername } from "@/lib/server/data/users";
import { recordAuditEvent } from "@/lib/server/data/audit";

/** true when the password matched (better-auth set the session cookie through `headers`). */
export async function signInWithPassword(username: string, password: string, headers: Headers): Promise<boolean> {
  try {
    await (await getAuth()).api.signInUsername({ body: { username: username.toLowerCase(), password }, headers });
  } catch {
    await recordAuditEvent({ actor: username, actorType: "user", action: "auth.login", result: "denied" });
    return false;
  }
  const user = await findUserByUsername(username);
  await recordAuditEvent({ actor: user?.username ?? username, actorType: "user", action: "auth.login", result: "ok" });
  return true;
}

export async function endSession(headers: Headers): Promise<void> {
  await (await getAuth()).api.signOut({ headers });
}
