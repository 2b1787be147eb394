import { readJson, route } from "@/lib/server/http/route";
import { addChannel, listChannels } from "@/lib/server/services/notifications";

export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, async () => ({ items: await listChannels() }));

/** body: { name, kind: "generic"|"slack", url, definition?: name|null (null = all), events?: ["run.failed","drift.detected","sync.succeeded"] } */
export const POST = route({ role: "admin" }, async ({ req, principal }) => {
  const c = await addChannel(await readJson(req, { maxBytes: 16 * 1024 }), principal);
  return Response.json(c, { status: 201 });
});
