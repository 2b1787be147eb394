import { readJson, route } from "@/lib/server/http/route";
import { keyFromPath } from "@/lib/server/services/resources";
import { MAX_STATUS_BYTES, writeStatus } from "@/lib/server/services/resource-health";

export const dynamic = "force-dynamic";
type P = { kind: string; namespace: string; name: string };

/**
 * The answer is one resource (~1–2 KB): gzip cost the server more CPU per write than the rest of
 * the answer (~6 % of a status-write profile) to save a few hundred bytes, so it is sent as is.
 */
const answer = (view: unknown) => Response.json(view, { headers: { "cache-control": "no-store, no-transform" } });

// the status subresource (issue 14): executor tokens and operators; the service checks the role
export const PUT = route<P>({ role: "viewer" }, async ({ req, params, principal }) =>
  answer(await writeStatus(keyFromPath(params.kind, params.namespace, params.name), await readJson(req, { maxBytes: MAX_STATUS_BYTES }), "replace", principal)),
);

export const PATCH = route<P>({ role: "viewer" }, async ({ req, params, principal }) =>
  answer(await writeStatus(keyFromPath(params.kind, params.namespace, params.name), await readJson(req, { maxBytes: MAX_STATUS_BYTES }), "merge", principal)),
);
