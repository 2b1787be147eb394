import { route } from "@/lib/server/http/route";
import { removeSecret } from "@/lib/server/services/secrets";

export const dynamic = "force-dynamic";

export const DELETE = route<{ name: string }>({ role: "admin" }, async ({ params, principal }) => {
  await removeSecret(params.name, principal);
  return new Response(null, { status: 204 });
});
