import { route } from "@/lib/server/http/route";
import { listRuns } from "@/lib/server/services/runs";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>({ role: "viewer" }, ({ params, url }) =>
  listRuns(params.name, { limit: Number(url.searchParams.get("limit") ?? 50), cursor: url.searchParams.get("cursor") ?? undefined }),
);
