import { z } from "zod";
import { readJson, route } from "@/lib/server/http/route";
import { startRollback, waitForRun } from "@/lib/server/services/sync";
import { toRunView } from "@/lib/server/services/runs";

export const dynamic = "force-dynamic";

const rollbackInput = z
  .object({ commit: z.string().regex(/^[0-9a-fA-F]{4,40}$/, "a commit SHA").optional(), runId: z.string().uuid().optional() })
  .refine((v) => v.commit || v.runId, { message: "give commit or runId" });

export const POST = route<{ name: string }>({ role: "operator" }, async ({ req, params, principal, url }) => {
  const { run } = await startRollback(params.name, rollbackInput.parse(await readJson(req)), principal);
  if (url.searchParams.get("wait") === "true") {
    const final = await waitForRun(run.id);
    return Response.json(toRunView(final, params.name), { status: final.activeKey ? 202 : 200 });
  }
  return Response.json(toRunView(run, params.name), { status: 202 });
});
