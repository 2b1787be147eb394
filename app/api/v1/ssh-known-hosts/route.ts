import { readJson, route } from "@/lib/server/http/route";
import { addKnownHost, listKnownHosts } from "@/lib/server/services/ssh-known-hosts";

export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, async () => ({ items: await listKnownHosts() }));

export const POST = route({ role: "admin" }, async ({ req, principal }) => Response.json(await addKnownHost(await readJson(req), principal), { status: 201 }));
