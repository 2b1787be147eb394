import { route } from "@/lib/server/http/route";
import { computeDiff } from "@/lib/server/services/sync";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>({ role: "viewer" }, ({ params, url }) =>
  computeDiff(params.name, { revision: url.searchParams.get("revision") ?? undefined, prune: url.searchParams.get("prune") === "true" }),
);
