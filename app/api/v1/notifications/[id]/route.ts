import { route } from "@/lib/server/http/route";
import { removeChannel } from "@/lib/server/services/notifications";

export const dynamic = "force-dynamic";

export const DELETE = route<{ id: string }>({ role: "admin" }, async ({ params, principal }) => {
  await removeChannel(params.id, principal);
  return new Response(null, { status: 204 });
});
