import { queryInt, readJson, route } from "@/lib/server/http/route";
import { createResource, listResources } from "@/lib/server/services/resources";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer" }, async ({ url }) => {
  const q = url.searchParams;
  return listResources({
    kind: q.get("kind") ?? undefined,
    namespace: q.get("namespace") ?? undefined,
    labelSelector: q.get("labelSelector") ?? undefined,
    health: q.get("health") ?? undefined,
    cursor: q.get("cursor") ?? undefined,
    limit: queryInt(url, "limit", { default: 100, min: 1, max: 1000 }),
  });
});

export const POST = route({ role: "operator" }, async ({ req, principal }) =>
  Response.json(await createResource(await readJson(req), principal), { status: 201 }),
);
