import { route } from "@/lib/server/http/route";
import { getWebhookInfo } from "@/lib/server/webhooks/info";

export const dynamic = "force-dynamic";

/** The webhook URLs and the name of the secret that signs them (never the secret's value). */
export const GET = route<{ name: string }>({ role: "viewer" }, ({ params, url }) => getWebhookInfo(params.name, url.origin));
