import { queryInt, route } from "@/lib/server/http/route";
import { DEFAULT_COMMITS_LIMIT, listDefinitionCommits, MAX_COMMITS_LIMIT } from "@/lib/server/services/history";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>({ role: "viewer" }, ({ params, url }) =>
  listDefinitionCommits(params.name, {
    limit: queryInt(url, "limit", { default: DEFAULT_COMMITS_LIMIT, min: 1, max: MAX_COMMITS_LIMIT }),
    cursor: url.searchParams.get("cursor") ?? undefined,
  }),
);
