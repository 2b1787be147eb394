"use server";
/** One-resource actions (issue 21): "Sync this resource" and "Revert drift", each a run with one change. */
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { startResourceSync } from "@/lib/server/services/sync";

export const resourceSyncAction = defineAction(
  {
    name: "resource.sync",
    role: "operator",
    input: z.object({
      definition: z.string().min(1).max(253),
      namespace: z.string().max(253),
      name: z.string().min(1).max(253),
      mode: z.enum(["sync", "revert"]),
    }),
  },
  async (input, who) => {
    const { run } = await startResourceSync({ ...input, trigger: "manual", who });
    return { runId: run.id };
  },
);
