import { route } from "@/lib/server/http/route";
import { exportAuditEvents, listAuditEvents, parseAuditQuery } from "@/lib/server/services/audit-log";
import { audit } from "@/lib/server/services/audit";

export const dynamic = "force-dynamic";

/**
 * Filters: action (exact, or a prefix ending in "." or "*"), actor, target (substring), result,
 * since, until (ISO date-times), limit, cursor. `?format=json` downloads every matching event
 * (up to 50,000) as one JSON file.
 */
export const GET = route({ role: "admin" }, async ({ url, principal }) => {
  const q = parseAuditQuery(url.searchParams);
  if (url.searchParams.get("format") === "json") {
    const { limit: _limit, cursor: _cursor, ...filter } = q;
    const out = await exportAuditEvents(filter);
    await audit(principal, "audit.export", undefined, "ok", { count: out.count, filter: out.filter });
    const stamp = out.exportedAt.replace(/[:.]/g, "-");
    return new Response(JSON.stringify(out, null, 2), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="syncline-audit-${stamp}.json"`,
        "cache-control": "no-store",
      },
    });
  }
  return listAuditEvents(q);
});
