"use server";
/** "Test connection" in the Add definition form (admin, as saving is): kinds found under the path. */
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { testConnection } from "@/lib/server/services/test-connection";

export const testConnectionAction = defineAction(
  {
    name: "definition.test-connection",
    role: "admin",
    input: z.object({
      repoURL: z.string().min(1).max(2048),
      branch: z.string().max(250),
      path: z.string().max(1024),
      secretName: z.string().max(63).optional(),
    }),
  },
  (input) => testConnection(input),
);
