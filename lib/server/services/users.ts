/** Users: created through better-auth's internal adapter so passwords are hashed by the library. */
import "server-only";
import crypto from "node:crypto";
import { getAuth } from "@/lib/server/auth/better-auth";
import { countUsers, findUserByUsername, getUsers, setUserRole } from "@/lib/server/data/users";
import { AppError } from "@/lib/server/errors";
import type { Principal } from "@/lib/server/auth/principal";
import type { Role } from "@/lib/api/roles";
import { audit } from "@/lib/server/services/audit";

/** Every user, oldest first (no password material). */
export function listUsers() {
  return getUsers();
}

export async function createUser(input: { username: string; password: string; role: Role; name?: string }) {
  const username = input.username.toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{1,62}$/.test(username)) {
    throw new AppError("VALIDATION_FAILED", "username: 2-63 characters: lowercase letters, digits, '.', '_' or '-'");
  }
  if (input.password.length < 8) throw new AppError("VALIDATION_FAILED", "password: at least 8 characters");
  if (await findUserByUsername(username)) throw new AppError("CONFLICT", `user ${username} already exists`);
  const ctx = await (await getAuth()).$context;
  const user = await ctx.internalAdapter.createUser({
    email: `${username}@users.syncline.local`,
    name: input.name ?? username,
    username,
    displayUsername: username,
    role: input.role,
  }, { method: "admin" });
  await ctx.internalAdapter.linkAccount({
    providerId: "credential",
    accountId: user.id,
    userId: user.id,
    password: await ctx.password.hash(input.password),
  });
  return user;
}

/**
 * First start: create `admin` with SYNCLINE_ADMIN_PASSWORD or a random password, returned so the
 * caller prints it once. Later starts: nothing.
 */
export async function ensureAdminUser(presetPassword?: string): Promise<{ username: string; password: string } | null> {
  if ((await countUsers()) > 0) return null;
  const password = presetPassword ?? crypto.randomBytes(12).toString("base64url");
  await createUser({ username: "admin", password, role: "admin", name: "Administrator" });
  return { username: "admin", password };
}

/**
 * Give a user another role. An admin cannot lower their own role: with nobody else to undo it,
 * the installation could lose its last admin by a slip of the mouse.
 */
export async function changeUserRole(who: Principal, id: string, role: Role): Promise<{ id: string; role: Role }> {
  if (id === who.userId && role !== "admin") throw new AppError("BAD_REQUEST", "You cannot lower your own role; ask another admin.");
  const u = await setUserRole(id, role);
  await audit(who, "user.set-role", u.username ?? id, "ok", { role });
  return { id, role };
}
