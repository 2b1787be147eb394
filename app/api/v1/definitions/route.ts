import { readJson, route } from "@/lib/server/http/route";
import { addDefinition, listDefinitionViews } from "@/lib/server/services/definitions";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer" }, async () => ({ items: await listDefinitionViews() }));

export const POST = route({ role: "admin" }, async ({ req, principal }) => Response.json(await addDefinition(await readJson(req), principal), { status: 201 }));
