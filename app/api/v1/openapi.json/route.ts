import { buildOpenApi } from "@/lib/server/http/openapi";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return Response.json(buildOpenApi(new URL(req.url).origin));
}
