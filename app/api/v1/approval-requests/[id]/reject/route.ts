import { readJson, route } from "@/lib/server/http/route";
import { approvalVoteSchema } from "@/lib/server/http/api-schemas";
import { rejectRequest } from "@/lib/server/services/approvals";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>({ role: "operator" }, async ({ req, params, principal }) => {
  const input = approvalVoteSchema.parse(await readJson(req, { optional: true }));
  return rejectRequest(params.id, principal, input.comment);
});
