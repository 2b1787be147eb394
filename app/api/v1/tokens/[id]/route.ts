import { route } from "@/lib/server/http/route";
import { revokeToken } from "@/lib/server/services/api-tokens";

export const dynamic = "force-dynamic";

export const DELETE = route<{ id: string }>({ role: "viewer" }, async ({ params, principal }) => {
  await revokeToken(params.id, principal);
  return new Response(null, { status: 204 });
});
