// Prometheus scrape endpoint. Needs a viewer (or higher) API token as a bearer token, unless
// SYNCLINE_METRICS_PUBLIC=1 (then anonymous, for scrapers on a private network).
import { getEnv } from "@/lib/env";
import { errorResponse, route } from "@/lib/server/http/route";
import { getMetrics } from "@/lib/server/metrics/registry";

export const dynamic = "force-dynamic";

async function scrape(): Promise<Response> {
  const { registry } = getMetrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}

const protectedScrape = route({ role: "viewer" }, () => scrape());

export async function GET(req: Request): Promise<Response> {
  if (getEnv().SYNCLINE_METRICS_PUBLIC === "1") {
    try {
      return await scrape();
    } catch (err) {
      return errorResponse(err);
    }
  }
  return protectedScrape(req);
}
