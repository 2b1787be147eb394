import { readJson, route } from "@/lib/server/http/route";
import { resourceSyncInputSchema } from "@/lib/server/http/api-schemas";
import { apiTrigger } from "@/lib/server/http/trigger";
import { startResourceSync, waitForRun } from "@/lib/server/services/sync";
import { toRunView } from "@/lib/server/services/runs";

export const dynamic = "force-dynamic";

/** Sync one resource from Git, or revert its drift: a run with one change (issue 21). */
export const POST = route<{ name: string }>({ role: "operator" }, async ({ req, params, principal, url }) => {
  const input = resourceSyncInputSchema.parse(await readJson(req));
  const { run } = await startResourceSync({ definition: params.name, trigger: apiTrigger(req), who: principal, ...input });
  if (url.searchParams.get("wait") === "true") {
    const final = await waitForRun(run.id);
    return Response.json(toRunView(final, params.name), { status: final.activeKey ? 202 : 200 });
  }
  return Response.json(toRunView(run, params.name), { status: 202 });
});
