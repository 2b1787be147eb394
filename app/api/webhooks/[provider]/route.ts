// Git host webhooks. No session or token: the HMAC signature (or GitLab token) is the authentication.
import { errorResponse } from "@/lib/server/http/route";
import { handleWebhook } from "@/lib/server/webhooks/handle-webhook";

export const dynamic = "force-dynamic";

export async function POST(req: Request, ctx: { params: Promise<{ provider: string }> }): Promise<Response> {
  try {
    return await handleWebhook((await ctx.params).provider, req);
  } catch (err) {
    return errorResponse(err);
  }
}
