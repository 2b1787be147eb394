import { route } from "@/lib/server/http/route";
import { scanKnownHost } from "@/lib/server/services/ssh-known-hosts";

export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, async ({ url, principal }) =>
  scanKnownHost({ host: url.searchParams.get("host") ?? "", port: url.searchParams.get("port") ?? undefined }, principal),
);
