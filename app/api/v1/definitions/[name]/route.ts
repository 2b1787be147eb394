import { readJson, route } from "@/lib/server/http/route";
import { getDefinitionView, removeDefinition, replaceDefinition } from "@/lib/server/services/definitions";

export const dynamic = "force-dynamic";
type P = { name: string };

export const GET = route<P>({ role: "viewer" }, ({ params }) => getDefinitionView(params.name));

export const PUT = route<P>({ role: "admin" }, async ({ req, params, principal }) => replaceDefinition(params.name, await readJson(req), principal));

export const DELETE = route<P>({ role: "admin" }, async ({ params, principal }) => {
  await removeDefinition(params.name, principal);
  return new Response(null, { status: 204 });
});
