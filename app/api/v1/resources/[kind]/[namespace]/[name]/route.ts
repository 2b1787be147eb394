import { readJson, route } from "@/lib/server/http/route";
import { getResourceView, keyFromPath, removeResource, replaceResource, revealResource } from "@/lib/server/services/resources";

export const dynamic = "force-dynamic";
type P = { kind: string; namespace: string; name: string };

// ?reveal=true: the cleartext of secret paths, executor tokens only (audited either way)
export const GET = route<P>({ role: "viewer" }, ({ params, url, principal }) => {
  const key = keyFromPath(params.kind, params.namespace, params.name);
  return url.searchParams.get("reveal") === "true" ? revealResource(key, principal) : getResourceView(key);
});

export const PUT = route<P>({ role: "operator" }, async ({ req, params, principal }) =>
  replaceResource(keyFromPath(params.kind, params.namespace, params.name), await readJson(req), principal),
);

export const DELETE = route<P>({ role: "operator" }, async ({ params, principal }) => {
  await removeResource(keyFromPath(params.kind, params.namespace, params.name), principal);
  return new Response(null, { status: 204 });
});
