import { route } from "@/lib/server/http/route";
import { removeSyncWindow } from "@/lib/server/services/sync-gate";

export const dynamic = "force-dynamic";

export const DELETE = route<{ id: string }>({ role: "admin" }, async ({ params, principal }) => {
  await removeSyncWindow(params.id, principal);
  return new Response(null, { status: 204 });
});
