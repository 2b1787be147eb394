import { queryInt, route } from "@/lib/server/http/route";
import { getRunWithChanges } from "@/lib/server/services/runs";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>({ role: "viewer" }, ({ params, url }) => {
  const actions = url.searchParams.get("actions");
  const name = url.searchParams.get("name")?.trim().slice(0, 253);
  return getRunWithChanges(params.id, {
    actions: actions ? actions.split(",") : undefined,
    nameContains: name || undefined,
    errorsOnly: url.searchParams.get("errors") === "true",
    limit: queryInt(url, "limit", { default: 500, min: 0, max: 5000 }), // 0: the run and its log only
    offset: queryInt(url, "offset", { default: 0, min: 0, max: 10_000_000 }),
  });
});
