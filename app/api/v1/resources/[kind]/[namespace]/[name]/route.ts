import { readJson, route } from "@/lib/server/http/route";
import { getResourceView, keyFromPath, removeResource, replaceResource } from "@/lib/server/services/resources";

export const dynamic = "force-dynamic";
type P = { kind: string; namespace: string; name: string };

export const GET = route<P>({ role: "viewer" }, ({ params }) => getResourceView(keyFromPath(params.kind, params.namespace, params.name)));

export const PUT = route<P>({ role: "operator" }, async ({ req, params, principal }) =>
  replaceResource(keyFromPath(params.kind, params.namespace, params.name), await readJson(req), principal),
);

export const DELETE = route<P>({ role: "operator" }, async ({ params, principal }) => {
  await removeResource(keyFromPath(params.kind, params.namespace, params.name), principal);
  return new Response(null, { status: 204 });
});
