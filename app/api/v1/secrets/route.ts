import { readJson, route } from "@/lib/server/http/route";
import { listSecrets, putSecret } from "@/lib/server/services/secrets";

export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, async () => ({ items: await listSecrets() }));

export const POST = route({ role: "admin" }, async ({ req, principal }) => Response.json(await putSecret(await readJson(req), principal), { status: 201 }));
