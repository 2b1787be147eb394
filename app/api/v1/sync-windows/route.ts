import { readJson, route } from "@/lib/server/http/route";
import { addSyncWindow, listSyncWindows } from "@/lib/server/services/sync-gate";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer" }, async () => ({ items: await listSyncWindows() }));

export const POST = route({ role: "admin" }, async ({ req, principal }) => Response.json(await addSyncWindow(await readJson(req), principal), { status: 201 }));
