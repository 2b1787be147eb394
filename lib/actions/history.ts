"use server";
/** History actions (issue 16): the commits that changed a definition's path, for the rollback dialog. */
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { listDefinitionCommits } from "@/lib/server/services/history";

export const definitionCommitsAction = defineAction(
  {
    name: "definition.commits",
    role: "viewer",
    input: z.object({ name: z.string().min(1).max(253), cursor: z.string().min(4).max(64).optional(), limit: z.number().int().min(1).max(200).optional() }),
  },
  async (input) => listDefinitionCommits(input.name, { cursor: input.cursor, limit: input.limit ?? 30 }),
);
