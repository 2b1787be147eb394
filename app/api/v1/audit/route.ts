import { route } from "@/lib/server/http/route";
import { getAuditEvents } from "@/lib/server/data/audit";

export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, async ({ url }) => {
  const q = url.searchParams;
  const since = q.get("since");
  return getAuditEvents({
    action: q.get("action") ?? undefined,
    actor: q.get("actor") ?? undefined,
    since: since ? new Date(since) : undefined,
    limit: q.get("limit") ? Number(q.get("limit")) : undefined,
    cursor: q.get("cursor") ?? undefined,
  });
});
