import { route } from "@/lib/server/http/route";
import { getRunWithChanges } from "@/lib/server/services/runs";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>({ role: "viewer" }, ({ params, url }) => {
  const actions = url.searchParams.get("actions");
  return getRunWithChanges(params.id, {
    actions: actions ? actions.split(",") : undefined,
    limit: Number(url.searchParams.get("limit") ?? 500),
    offset: Number(url.searchParams.get("offset") ?? 0),
  });
});
