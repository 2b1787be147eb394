"use server";
/** Users (admin): create one, change a role (the service refuses lowering your own). */
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { changeUserRole, createUser } from "@/lib/server/services/users";
import { audit } from "@/lib/server/services/audit";
import { roles } from "@/lib/api/roles";

export const createUserAction = defineAction(
  { name: "user.create", role: "admin", input: z.object({ username: z.string().max(63), password: z.string().max(200), role: z.enum(roles) }) },
  async (input, who) => {
    const u = await createUser(input);
    await audit(who, "user.create", input.username, "ok", { role: input.role });
    return { id: u.id, username: input.username.toLowerCase() };
  },
);

export const setUserRoleAction = defineAction(
  { name: "user.set-role", role: "admin", input: z.object({ id: z.string().min(1).max(100), role: z.enum(roles) }) },
  ({ id, role }, who) => changeUserRole(who, id, role),
);
