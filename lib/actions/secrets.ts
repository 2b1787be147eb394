"use server";
/** Secrets (admin): write-only; values are passed to the service and never returned. */
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { putSecret, removeSecret } from "@/lib/server/services/secrets";

export const putSecretAction = defineAction({ name: "secret.put", role: "admin", input: z.record(z.string(), z.string().max(262_144)) }, async (input, who) => {
  const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== ""));
  return putSecret(clean, who);
});

export const deleteSecretAction = defineAction(
  { name: "secret.delete", role: "admin", input: z.object({ name: z.string().min(1).max(63) }) },
  async ({ name }, who) => {
    await removeSecret(name, who);
    return { name };
  },
);
