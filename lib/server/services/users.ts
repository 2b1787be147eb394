/**
 * Users: created through better-auth's internal adapter so passwords are hashed by the library.
 * Admins rename, disable, delete and sign users out here, each audited with the user's id; the
 * last enabled admin can be neither demoted, disabled nor deleted (409, issue 18).
 */
import "server-only";
import crypto from "node:crypto";
import { getAuth } from "@/lib/server/auth/better-auth";
import {
  countOtherEnabledAdmins,
  countUsers,
  deleteSessionsOfUser,
  deleteUserUnlessLastAdmin,
  findUserById,
  findUserByUsername,
  getUsers,
  renameUserRow,
  setUserDisabledUnlessLastAdmin,
  setUserRoleUnlessLastAdmin,
} from "@/lib/server/data/users";
import { isUniqueViolation } from "@/lib/server/data/errors";
import { usernameProblem } from "@/lib/server/auth/usernames";
import { AppError, notFound } from "@/lib/server/errors";
import type { Principal } from "@/lib/server/auth/principal";
import type { Role } from "@/lib/api/roles";
import { audit } from "@/lib/server/services/audit";

/** Every user, oldest first (no password material). */
export function listUsers() {
  return getUsers();
}

export async function createUser(input: { username: string; password: string; role: Role; name?: string }) {
  const username = input.username.toLowerCase();
  if (input.role === "executor")
    throw new AppError("VALIDATION_FAILED", "role: executor is for API tokens only", [{ path: "role", message: "executor is for API tokens only" }]);
  const problem = usernameProblem(username);
  if (problem) throw new AppError("VALIDATION_FAILED", problem, [{ path: "username", message: problem.replace(/^username: /, "") }]);
  if (input.password.length < 8) throw new AppError("VALIDATION_FAILED", "password: at least 8 characters");
  if (await findUserByUsername(username)) throw new AppError("CONFLICT", `user ${username} already exists`);
  const ctx = await (await getAuth()).$context;
  const user = await ctx.internalAdapter.createUser(
    {
      email: `${username}@users.syncline.local`,
      name: input.name ?? username,
      username,
      displayUsername: username,
      role: input.role,
    },
    { method: "admin" },
  );
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
  if (role === "executor")
    throw new AppError("VALIDATION_FAILED", "role: executor is for API tokens only", [{ path: "role", message: "executor is for API tokens only" }]);
  if (id === who.userId && role !== "admin") {
    await refuseIfLastAdmin(id, "demote", who.username);
    throw new AppError("BAD_REQUEST", "You cannot lower your own role; ask another admin.");
  }
  const before = await findUserById(id);
  if (!before) throw notFound(`user ${id}`);
  if (!(await setUserRoleUnlessLastAdmin(id, role))) throw lastAdmin("demote", before.username ?? id);
  await audit(who, "user.set-role", before.username ?? id, "ok", { userId: id, role, previousRole: before.role });
  return { id, role };
}

function lastAdmin(verb: string, username: string): AppError {
  return new AppError("CONFLICT", `cannot ${verb} ${username}: it is the last enabled admin; make another user admin first`);
}

/**
 * The last admin acting on their own account hears why first (409), before the rule that
 * nobody lowers, disables or deletes themselves (400). The guarded statements in data/users.ts
 * hold the rule atomically; this only picks the message.
 */
async function refuseIfLastAdmin(id: string, verb: string, username: string): Promise<void> {
  if ((await countOtherEnabledAdmins(id)) === 0) throw lastAdmin(verb, username);
}

async function existingUser(id: string) {
  const u = await findUserById(id);
  if (!u) throw notFound(`user ${id}`);
  return u;
}

/** Admin-only rename (self-service renames are refused in better-auth.ts), audited with both names. */
export async function renameUser(who: Principal, id: string, newName: string): Promise<{ id: string; username: string }> {
  const username = newName.toLowerCase();
  const problem = usernameProblem(username);
  if (problem) throw new AppError("VALIDATION_FAILED", problem, [{ path: "username", message: problem.replace(/^username: /, "") }]);
  const before = await existingUser(id);
  if (before.username === username) return { id, username };
  try {
    await renameUserRow(id, username);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("CONFLICT", `user ${username} already exists`);
    throw err;
  }
  await audit(who, "user.rename", username, "ok", { userId: id, from: before.username, to: username });
  return { id, username };
}

/**
 * Disable (or enable again) an account. A disabled user cannot sign in, and their sessions and
 * API tokens stop working at once: sessions are deleted here, tokens are refused at auth time.
 */
export async function setUserDisabled(who: Principal, id: string, disabled: boolean): Promise<{ id: string; disabled: boolean; sessionsEnded: number }> {
  if (disabled && id === who.userId) {
    await refuseIfLastAdmin(id, "disable", who.username);
    throw new AppError("BAD_REQUEST", "You cannot disable your own account; ask another admin.");
  }
  const before = await existingUser(id);
  if (!(await setUserDisabledUnlessLastAdmin(id, disabled))) throw lastAdmin("disable", before.username ?? id);
  const sessionsEnded = disabled ? await deleteSessionsOfUser(id) : 0;
  await audit(who, disabled ? "user.disable" : "user.enable", before.username ?? id, "ok", { userId: id, sessionsEnded });
  return { id, disabled, sessionsEnded };
}

/** Delete an account with its sessions and API tokens. Its runs and audit events keep its name and id. */
export async function deleteUser(who: Principal, id: string): Promise<{ id: string }> {
  if (id === who.userId) {
    await refuseIfLastAdmin(id, "delete", who.username);
    throw new AppError("BAD_REQUEST", "You cannot delete your own account; ask another admin.");
  }
  const before = await existingUser(id);
  if (!(await deleteUserUnlessLastAdmin(id))) throw lastAdmin("delete", before.username ?? id);
  await audit(who, "user.delete", before.username ?? id, "ok", { userId: id, role: before.role });
  return { id };
}

/** Sign a user out everywhere (their API tokens are left alone: revoke those separately). */
export async function endUserSessions(who: Principal, id: string): Promise<{ id: string; sessionsEnded: number }> {
  const before = await existingUser(id);
  const sessionsEnded = await deleteSessionsOfUser(id);
  await audit(who, "user.end-sessions", before.username ?? id, "ok", { userId: id, sessionsEnded });
  return { id, sessionsEnded };
}
