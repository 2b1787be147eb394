import { route } from "@/lib/server/http/route";
import { keyFromPath } from "@/lib/server/services/resources";
import { resourceHealthTransitions } from "@/lib/server/services/resource-health";

export const dynamic = "force-dynamic";
type P = { kind: string; namespace: string; name: string };

/** The resource's health transitions, newest first (the last 50). */
export const GET = route<P>({ role: "viewer" }, async ({ params }) => {
  const rows = await resourceHealthTransitions(keyFromPath(params.kind, params.namespace, params.name));
  return { items: rows.map((t) => ({ from: t.from, to: t.to, message: t.message, at: t.at.toISOString() })) };
});
