import { readJson, route } from "@/lib/server/http/route";
import { STATUS_ANSWER_HEADERS } from "@/lib/server/http/status-fast-path";
import { keyFromPath } from "@/lib/server/services/resources";
import { MAX_STATUS_BYTES, writeStatus } from "@/lib/server/services/resource-health";

export const dynamic = "force-dynamic";
type P = { kind: string; namespace: string; name: string };

/**
 * The status subresource (issue 14): executor tokens and operators; the service checks the role.
 * Requests with a bearer token are answered before Next by the same steps
 * (lib/server/http/status-fast-path.ts); this route answers the rest (cookie sessions).
 */
const answer = (view: unknown) => Response.json(view, { headers: STATUS_ANSWER_HEADERS });

export const PUT = route<P>({ role: "viewer" }, async ({ req, params, principal }) =>
  answer(await writeStatus(keyFromPath(params.kind, params.namespace, params.name), await readJson(req, { maxBytes: MAX_STATUS_BYTES }), "replace", principal)),
);

export const PATCH = route<P>({ role: "viewer" }, async ({ req, params, principal }) =>
  answer(await writeStatus(keyFromPath(params.kind, params.namespace, params.name), await readJson(req, { maxBytes: MAX_STATUS_BYTES }), "merge", principal)),
);
