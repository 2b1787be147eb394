import { queryInt, route } from "@/lib/server/http/route";
import { listRuns } from "@/lib/server/services/runs";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>({ role: "viewer" }, ({ params, url }) =>
  listRuns(params.name, { limit: queryInt(url, "limit", { default: 50, min: 1, max: 500 }), cursor: url.searchParams.get("cursor") ?? undefined }),
);
