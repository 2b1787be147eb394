import { route } from "@/lib/server/http/route";
import { removeKnownHost } from "@/lib/server/services/ssh-known-hosts";

export const dynamic = "force-dynamic";

export const DELETE = route<{ id: string }>({ role: "admin" }, async ({ params, principal }) => {
  await removeKnownHost(params.id, principal);
  return new Response(null, { status: 204 });
});
