import { readJson, route } from "@/lib/server/http/route";
import { getSuspension, suspendDefinition } from "@/lib/server/services/suspend";

export const dynamic = "force-dynamic";
type P = { name: string };

export const GET = route<P>({ role: "viewer" }, ({ params }) => getSuspension(params.name));

/** body: { reason: string, until?: ISO date-time } — stops auto-sync until unsuspended or expired */
export const POST = route<P>({ role: "operator" }, async ({ req, params, principal }) =>
  suspendDefinition(params.name, await readJson(req, { maxBytes: 16 * 1024 }), principal),
);
