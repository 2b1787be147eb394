import { route } from "@/lib/server/http/route";
import { unsuspendDefinition } from "@/lib/server/services/suspend";

export const dynamic = "force-dynamic";

export const POST = route<{ name: string }>({ role: "operator", body: "none" }, ({ params, principal }) => unsuspendDefinition(params.name, principal));
