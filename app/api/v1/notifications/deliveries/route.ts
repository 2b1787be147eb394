import { route } from "@/lib/server/http/route";
import { listDeliveries } from "@/lib/server/services/notifications";

export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, async ({ url }) => ({ items: await listDeliveries(url.searchParams.get("channel") ?? undefined) }));
