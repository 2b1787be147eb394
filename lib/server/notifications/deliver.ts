/**
 * Sends queued notifications. Each attempt claims rows atomically (replicas never double-
 * send at once), POSTs JSON with a timeout, no redirects, and retries failures with
 * doubling backoff until SYNCLINE_NOTIFY_MAX_ATTEMPTS. URLs and their secret parts never
 * reach a log line or a stored error.
 */
import "server-only";
import { getEnv } from "@/lib/env";
import { redactText } from "@/lib/engine/redact";
import { decryptSecret } from "@/lib/server/crypto/secret-box";
import { claimDueDeliveries, markAttemptFailed, markDelivered } from "@/lib/server/data/notifications";
import { vetHost } from "@/lib/server/git/url-policy";
import { getMetrics } from "@/lib/server/metrics/registry";
import { logger } from "@/lib/server/logger";
import { formatPayload, type NotificationPayload } from "@/lib/server/notifications/notify";
import { urlSecrets } from "@/lib/server/notifications/url";
import { backoffDelayMs } from "@/lib/server/scheduler/timing";

const SEND_TIMEOUT_MS = 10_000;

async function send(url: string, body: unknown): Promise<void> {
  await vetHost(new URL(url));
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "Syncline-Notifier" },
    body: JSON.stringify(body),
    redirect: "manual",
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  await r.body?.cancel().catch(() => undefined);
  if (r.status < 200 || r.status >= 300) throw new Error(`receiver answered HTTP ${r.status}`);
}

/** One pass over due deliveries; returns how many were attempted. */
export async function deliverDueNotifications(limit = 20): Promise<number> {
  const env = getEnv();
  const rows = await claimDueDeliveries(limit, SEND_TIMEOUT_MS * 3);
  const m = getMetrics();
  await Promise.all(
    rows.map(async (d) => {
      const attempts = d.attempts + 1;
      let url = "";
      try {
        url = decryptSecret(d.channel.urlCiphertext);
        await send(url, formatPayload(d.channel.kind, d.payload as unknown as NotificationPayload));
        await markDelivered(d.id, attempts);
        m.notifications.inc({ kind: d.channel.kind, result: "delivered" });
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        const error = redactText(`${(err as Error).message}${cause ? ` (${cause})` : ""}`, url ? urlSecrets(url) : []);
        const gaveUp = attempts >= env.SYNCLINE_NOTIFY_MAX_ATTEMPTS;
        const delay = backoffDelayMs(attempts, env.SYNCLINE_NOTIFY_BACKOFF_BASE_MS, 30 * 60_000);
        await markAttemptFailed(d.id, { attempts, nextAttemptAt: new Date(Date.now() + delay), gaveUp, error });
        m.notifications.inc({ kind: d.channel.kind, result: gaveUp ? "gave-up" : "retry" });
        logger.warn({ channel: d.channel.name, target: d.channel.urlHint, attempts, err: error }, "notification delivery failed");
      }
    }),
  );
  return rows.length;
}
