import { readJson, route } from "@/lib/server/http/route";
import { keyFromPath } from "@/lib/server/services/resources";
import { MAX_STATUS_BYTES, writeStatus } from "@/lib/server/services/resource-health";

export const dynamic = "force-dynamic";
type P = { kind: string; namespace: string; name: string };

// the status subresource (issue 14): executor tokens and operators; the service checks the role
export const PUT = route<P>({ role: "viewer" }, async ({ req, params, principal }) =>
  writeStatus(keyFromPath(params.kind, params.namespace, params.name), await readJson(req, { maxBytes: MAX_STATUS_BYTES }), "replace", principal),
);

export const PATCH = route<P>({ role: "viewer" }, async ({ req, params, principal }) =>
  writeStatus(keyFromPath(params.kind, params.namespace, params.name), await readJson(req, { maxBytes: MAX_STATUS_BYTES }), "merge", principal),
);
