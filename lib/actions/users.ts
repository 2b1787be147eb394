"use server";
/**
 * Users (admin): create one, change a role (the service refuses lowering your own), rename,
 * disable or enable, delete, end someone's sessions. The service refuses to remove the last
 * enabled admin (409); its message is what the page shows.
 */
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { changeUserRole, createUser, deleteUser, endUserSessions, renameUser, setUserDisabled } from "@/lib/server/services/users";
import { audit } from "@/lib/server/services/audit";
import { userRoles } from "@/lib/api/roles";

export const createUserAction = defineAction(
  { name: "user.create", role: "admin", input: z.object({ username: z.string().max(63), password: z.string().max(200), role: z.enum(userRoles) }) },
  async (input, who) => {
    const u = await createUser(input);
    await audit(who, "user.create", input.username, "ok", { role: input.role });
    return { id: u.id, username: input.username.toLowerCase() };
  },
);

export const setUserRoleAction = defineAction(
  { name: "user.set-role", role: "admin", input: z.object({ id: z.string().min(1).max(100), role: z.enum(userRoles) }) },
  ({ id, role }, who) => changeUserRole(who, id, role),
);

const userId = z.string().min(1).max(100);

export const renameUserAction = defineAction(
  { name: "user.rename", role: "admin", input: z.object({ id: userId, username: z.string().max(63) }) },
  ({ id, username }, who) => renameUser(who, id, username),
);

export const setUserDisabledAction = defineAction(
  { name: "user.disable", role: "admin", input: z.object({ id: userId, disabled: z.boolean() }) },
  ({ id, disabled }, who) => setUserDisabled(who, id, disabled),
);

export const deleteUserAction = defineAction({ name: "user.delete", role: "admin", input: z.object({ id: userId }) }, ({ id }, who) => deleteUser(who, id));

export const endUserSessionsAction = defineAction({ name: "user.end-sessions", role: "admin", input: z.object({ id: userId }) }, ({ id }, who) =>
  endUserSessions(who, id),
);
