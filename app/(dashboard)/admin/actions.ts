"use server";
/** Admin actions: definitions (JSON in, same validation as the API), secrets (write-only), users. */
import { z } from "zod";
import { defineAction } from "@/lib/server/actions/define-action";
import { AppError } from "@/lib/server/errors";
import { addDefinition, removeDefinition, replaceDefinition } from "@/lib/server/services/definitions";
import { putSecret, removeSecret } from "@/lib/server/services/secrets";
import { createUser } from "@/lib/server/services/users";
import { setUserRole } from "@/lib/server/data/users";
import { audit } from "@/lib/server/services/audit";
import { roles } from "@/lib/server/auth/roles";

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    const pos = m ? Number(m[1]) : null;
    const line = pos === null ? undefined : text.slice(0, pos).split("\n").length;
    throw new AppError("VALIDATION_FAILED", `The JSON does not parse${line ? ` (line ${line})` : ""}: ${(err as Error).message}`, [
      { path: "(json)", message: (err as Error).message, line },
    ]);
  }
}

export const saveDefinitionAction = defineAction(
  { name: "definition.save", role: "admin", input: z.object({ name: z.string().max(253).nullable(), json: z.string().max(2_000_000) }) },
  async (input, who) => {
    const body = parseJson(input.json);
    const saved = input.name ? await replaceDefinition(input.name, body, who) : await addDefinition(body, who);
    return { name: saved.metadata.name };
  },
);

export const deleteDefinitionAction = defineAction(
  { name: "definition.delete", role: "admin", input: z.object({ name: z.string().min(1).max(253) }) },
  async ({ name }, who) => {
    await removeDefinition(name, who);
    return { name };
  },
);

/** Values are passed to the service and never returned. */
export const putSecretAction = defineAction(
  { name: "secret.put", role: "admin", input: z.record(z.string(), z.string().max(10_000)) },
  async (input, who) => {
    const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== ""));
    return putSecret(clean, who);
  },
);

export const deleteSecretAction = defineAction(
  { name: "secret.delete", role: "admin", input: z.object({ name: z.string().min(1).max(63) }) },
  async ({ name }, who) => {
    await removeSecret(name, who);
    return { name };
  },
);

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
  async ({ id, role }, who) => {
    if (id === who.userId && role !== "admin") throw new AppError("BAD_REQUEST", "You cannot lower your own role; ask another admin.");
    const u = await setUserRole(id, role);
    await audit(who, "user.set-role", u.username ?? id, "ok", { role });
    return { id, role };
  },
);
