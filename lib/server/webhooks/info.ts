/** What the definition page shows for webhooks: the URL per provider and which named secret signs them. */
import "server-only";
import { getEnv } from "@/lib/env";
import { findDefinition } from "@/lib/server/data/definitions";
import { findSecretRow } from "@/lib/server/data/secrets";
import { notFound } from "@/lib/server/errors";
import { providers, providerSpecs, type Provider } from "@/lib/server/webhooks/providers";
import { GLOBAL_WEBHOOK_SECRET, webhookSecretNameOf } from "@/lib/server/webhooks/secrets";

export interface WebhookInfo {
  definition: string;
  urls: Record<Provider, string>;
  /** the header each provider signs with */
  signatureHeaders: Record<Provider, string>;
  secretName: string;
  /** true when the definition names no secret of its own and uses the global one */
  usesGlobalSecret: boolean;
  /** the named secret exists and is of type "webhook" */
  secretConfigured: boolean;
  branch: string | null;
}

export async function getWebhookInfo(name: string, requestOrigin: string): Promise<WebhookInfo> {
  const row = await findDefinition(name);
  if (!row) throw notFound(`definition ${name}`);
  const base = (getEnv().SYNCLINE_PUBLIC_URL ?? requestOrigin).replace(/\/+$/, "");
  const secretName = webhookSecretNameOf(row);
  const secret = await findSecretRow(secretName);
  const urls = {} as Record<Provider, string>;
  const signatureHeaders = {} as Record<Provider, string>;
  for (const p of providers) {
    urls[p] = `${base}/api/webhooks/${p}`;
    signatureHeaders[p] = providerSpecs[p].signature.header;
  }
  return {
    definition: name,
    urls,
    signatureHeaders,
    secretName,
    usesGlobalSecret: secretName === GLOBAL_WEBHOOK_SECRET,
    secretConfigured: secret?.type === "webhook",
    branch: (row.gitops as { branch?: string } | null)?.branch ?? null,
  };
}
