import { route } from "@/lib/server/http/route";
import { getApproval } from "@/lib/server/services/approvals";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>({ role: "viewer" }, ({ params }) => getApproval(params.id));
