"use server";
/** API tokens: issue one (at most the caller's role) and revoke one of the caller's own. */
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { issueApiToken, revokeToken } from "@/lib/server/services/api-tokens";
import { roles } from "@/lib/api/roles";

export const createTokenAction = defineAction(
  {
    name: "token.create",
    role: "viewer",
    input: z.object({ name: z.string().min(1).max(100), role: z.enum(roles).optional(), expiresInDays: z.number().int().min(1).max(3650).optional() }),
  },
  (input, who) => issueApiToken(input, who),
);

export const revokeTokenAction = defineAction({ name: "token.revoke", role: "viewer", input: z.object({ id: z.string().uuid() }) }, async ({ id }, who) => {
  await revokeToken(id, who);
  return { id };
});
