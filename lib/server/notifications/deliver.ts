/**
 * Sends queued notifications. Each attempt claims rows atomically (replicas never double-
 * send at once), POSTs JSON with a timeout, no redirects, and retries failures with
 * doubling backoff until SYNCLINE_NOTIFY_MAX_ATTEMPTS. URLs and their secret parts never
 * reach a log line or a stored error.
 *
 * A notification URL is as much an SSRF door as a repository URL: it goes through the same
 * host policy (metadata block list, SYNCLINE_ALLOW_HOSTS / SYNCLINE_DENY_HOSTS, one canonical
 * form per address) and the connection goes to the address that policy vetted, never to a
 * second DNS answer.
 */
import "server-only";
import http from "node:http";
import https from "node:https";
import { getEnv } from "@/lib/env";
import { redactText } from "@/lib/engine/redact";
import { decryptSecret } from "@/lib/server/crypto/secret-box";
import { claimDueDeliveries, markAttemptFailed, markDelivered } from "@/lib/server/data/notifications";
import { isGitError } from "@/lib/server/git/git-client";
import { parseHostList, pinnedLookup, vetHost, type UrlPolicyOptions } from "@/lib/server/git/url-policy";
import { getMetrics } from "@/lib/server/metrics/registry";
import { logger } from "@/lib/server/logger";
import { formatPayload, type NotificationPayload } from "@/lib/server/notifications/notify";
import { urlSecrets } from "@/lib/server/notifications/url";
import { backoffDelayMs } from "@/lib/server/scheduler/timing";

const SEND_TIMEOUT_MS = 10_000;

let lookupForTests: UrlPolicyOptions["lookup"];

/** Tests replace DNS (a resolver that answers differently on each call). */
export function setNotificationLookupForTests(lookup: UrlPolicyOptions["lookup"]): void {
  lookupForTests = lookup;
}

async function send(url: string, body: unknown): Promise<void> {
  const env = getEnv();
  const target = new URL(url);
  let addresses: string[];
  try {
    addresses = await vetHost(target, {
      allowHosts: parseHostList(env.SYNCLINE_ALLOW_HOSTS),
      denyHosts: parseHostList(env.SYNCLINE_DENY_HOSTS),
      lookup: lookupForTests,
    });
  } catch (err) {
    if (isGitError(err, "URL_REFUSED")) throw new Error(err.message.replace(/^repository URL/, "notification URL"));
    throw err;
  }
  const payload = Buffer.from(JSON.stringify(body));
  const status = await new Promise<number>((resolve, reject) => {
    const lib = target.protocol === "https:" ? https : http;
    const req = lib.request(target, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Syncline-Notifier", "content-length": String(payload.length) },
      lookup: pinnedLookup(addresses),
      agent: false,
    });
    const timer = setTimeout(() => req.destroy(new Error(`receiver did not answer within ${SEND_TIMEOUT_MS / 1000} s`)), SEND_TIMEOUT_MS);
    req.on("response", (res) => {
      clearTimeout(timer);
      // only the status counts; the receiver's body and reason phrase are never read
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(payload);
  });
  if (status < 200 || status >= 300) throw new Error(`receiver answered HTTP ${status}`);
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
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as NodeJS.ErrnoException).code;
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
