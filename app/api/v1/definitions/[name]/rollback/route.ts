import { readJson, route } from "@/lib/server/http/route";
import { rollbackInputSchema } from "@/lib/server/http/api-schemas";
import { startRollback, waitForRun } from "@/lib/server/services/sync";
import { toRunView } from "@/lib/server/services/runs";

export const dynamic = "force-dynamic";

export const POST = route<{ name: string }>({ role: "operator" }, async ({ req, params, principal, url }) => {
  const { run } = await startRollback(params.name, rollbackInputSchema.parse(await readJson(req)), principal);
  if (url.searchParams.get("wait") === "true") {
    const final = await waitForRun(run.id);
    return Response.json(toRunView(final, params.name), { status: final.activeKey ? 202 : 200 });
  }
  return Response.json(toRunView(run, params.name), { status: 202 });
});
