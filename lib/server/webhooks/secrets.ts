/**
 * How a webhook finds its secret: a definition's pushes are signed with the named secret
 * `gitops.webhookSecretName`, or, when unset, with the global secret named "webhook" (both
 * of type "webhook"). A delivery is checked against every such secret before its body is
 * parsed; only definitions whose own secret verified it are refreshed.
 */
import "server-only";
import { processSingleton } from "@/lib/server/runtime/singletons";
import type { GitOpsSpec } from "@/lib/engine/types";
import { getGitopsSources } from "@/lib/server/data/definition-automation";
import { getWebhookSecret } from "@/lib/server/services/secrets";
import type { NamedSecret } from "@/lib/server/webhooks/verify";

export const GLOBAL_WEBHOOK_SECRET = "webhook";
const CACHE_MS = 2_000;

export function webhookSecretNameOf(row: { gitops: unknown }): string {
  return (row.gitops as GitOpsSpec | null)?.webhookSecretName ?? GLOBAL_WEBHOOK_SECRET;
}

const g = processSingleton("webhook-secrets", () => ({}) as { __synclineWebhookSecrets?: { at: number; value: Promise<NamedSecret[]> } });

/** The distinct webhook secrets in use, decrypted (cached for two seconds against floods). */
export function candidateSecrets(): Promise<NamedSecret[]> {
  const c = g.__synclineWebhookSecrets;
  if (c && Date.now() - c.at < CACHE_MS) return c.value;
  const value = (async () => {
    const names = new Set<string>([GLOBAL_WEBHOOK_SECRET]);
    for (const row of await getGitopsSources()) names.add(webhookSecretNameOf(row));
    const out: NamedSecret[] = [];
    for (const name of names) {
      const v = await getWebhookSecret(name);
      if (v) out.push({ name, value: v });
    }
    return out;
  })();
  g.__synclineWebhookSecrets = { at: Date.now(), value };
  value.catch(() => (g.__synclineWebhookSecrets = undefined));
  return value;
}

export function forgetCachedSecrets(): void {
  g.__synclineWebhookSecrets = undefined;
}
