"use server";
/** Trusted SSH host keys (admin, audited): add by key or by a confirmed fingerprint, remove. */
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { addKnownHost, removeKnownHost } from "@/lib/server/services/ssh-known-hosts";

export const addKnownHostAction = defineAction(
  {
    name: "ssh-known-host.add",
    role: "admin",
    input: z.object({
      host: z.string().min(1).max(255),
      port: z.number().int().min(1).max(65535).optional(),
      key: z.string().max(16_384).optional(),
      fingerprint: z.string().max(100).optional(),
    }),
  },
  async (input, who) => {
    const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== "" && v !== undefined));
    return addKnownHost(clean, who);
  },
);

export const removeKnownHostAction = defineAction(
  { name: "ssh-known-host.delete", role: "admin", input: z.object({ id: z.string().uuid() }) },
  async ({ id }, who) => {
    await removeKnownHost(id, who);
    return { id };
  },
);
