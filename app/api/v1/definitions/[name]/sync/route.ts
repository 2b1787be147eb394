import { readJson, route } from "@/lib/server/http/route";
import { syncInputSchema } from "@/lib/server/http/api-schemas";
import { apiTrigger } from "@/lib/server/http/trigger";
import { requestSync, waitForRun } from "@/lib/server/services/sync";
import { toRunView } from "@/lib/server/services/runs";

export const dynamic = "force-dynamic";

export const POST = route<{ name: string }>({ role: "operator" }, async ({ req, params, principal, url }) => {
  const input = syncInputSchema.parse(await readJson(req, { optional: true }));
  const requested = await requestSync({ definition: params.name, trigger: apiTrigger(req), who: principal, ...input });
  // spec.approval: no run yet, an approval request (issue 15)
  if (requested.kind === "approval") return Response.json({ approvalRequest: requested.approvalRequest }, { status: 202 });
  const { run } = requested;
  if (url.searchParams.get("wait") === "true") {
    const final = await waitForRun(run.id);
    return Response.json(toRunView(final, params.name), { status: final.activeKey ? 202 : 200 });
  }
  return Response.json(toRunView(run, params.name), { status: 202 });
});
