import { route } from "@/lib/server/http/route";
import { resumeDefinition } from "@/lib/server/services/sync";

export const dynamic = "force-dynamic";

export const POST = route<{ name: string }>({ role: "operator", body: "none" }, ({ params, principal }) => resumeDefinition(params.name, principal));
