import { route } from "@/lib/server/http/route";
import { computeDiff } from "@/lib/server/services/sync";
import { roleAtLeast } from "@/lib/server/auth/roles";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>({ role: "viewer" }, ({ params, url, principal }) =>
  computeDiff(params.name, {
    revision: url.searchParams.get("revision") ?? undefined,
    prune: url.searchParams.get("prune") === "true",
    // fetching history for an unknown revision is operator work (issue 19 L6)
    fetchMissing: roleAtLeast(principal.role, "operator"),
  }),
);
