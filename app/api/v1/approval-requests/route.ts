import { route } from "@/lib/server/http/route";
import { listApprovals } from "@/lib/server/services/approvals";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer" }, async ({ url }) => ({
  items: await listApprovals({ definition: url.searchParams.get("definition") ?? undefined, state: url.searchParams.get("state") ?? undefined }),
}));
