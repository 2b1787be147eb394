import { route } from "@/lib/server/http/route";
import { refreshNow } from "@/lib/server/services/refresh-request";

export const dynamic = "force-dynamic";

/** Refresh now (status, drift); an automated definition also syncs a new commit, as on its interval. */
export const POST = route<{ name: string }>({ role: "operator", body: "none" }, async ({ params, principal }) => {
  const r = await refreshNow(params.name, principal);
  return Response.json(r, { status: r.queued ? 202 : 200 });
});
