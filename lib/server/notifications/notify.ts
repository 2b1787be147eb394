/**
 * Queues notifications: run failed, drift detected, sync succeeded on a production
 * definition. Queued rows are sent by deliver.ts with retries, so a slow or failing
 * receiver never delays a sync.
 */
import "server-only";
import { enqueueDeliveries, findChannelsFor } from "@/lib/server/data/notifications";
import { logger } from "@/lib/server/logger";

export type NotificationEvent = "run.failed" | "drift.detected" | "sync.succeeded";
export const notificationEvents: NotificationEvent[] = ["run.failed", "drift.detected", "sync.succeeded"];

export interface NotificationPayload {
  event: NotificationEvent;
  definition: string;
  at: string;
  summary: string;
  runId?: string;
  phase?: string;
  trigger?: string;
  commit?: string | null;
  error?: string | null;
  drifted?: number;
}

const g = globalThis as unknown as { __synclineNotifyKick?: () => void };

/** The delivery worker registers itself so a new notification goes out without waiting for a tick. */
export function setDeliveryKick(fn: (() => void) | undefined): void {
  g.__synclineNotifyKick = fn;
}

export async function notify(p: Omit<NotificationPayload, "at">): Promise<number> {
  try {
    const channels = await findChannelsFor(p.definition, p.event);
    const n = await enqueueDeliveries(
      channels.map((c) => c.id),
      { event: p.event, definition: p.definition, payload: { ...p, at: new Date().toISOString() } },
    );
    if (n > 0) g.__synclineNotifyKick?.();
    return n;
  } catch (err) {
    logger.error({ err: (err as Error).message }, "could not queue a notification");
    return 0;
  }
}

/** The body for a channel kind: our JSON as is, or a Slack-compatible {text}. */
export function formatPayload(kind: string, p: NotificationPayload): unknown {
  if (kind !== "slack") return p;
  const icon = p.event === "run.failed" ? ":x:" : p.event === "drift.detected" ? ":warning:" : ":white_check_mark:";
  const lines = [`${icon} *${p.definition}*: ${p.summary}`];
  if (p.commit) lines.push(`commit \`${p.commit.slice(0, 12)}\``);
  if (p.error) lines.push(`> ${p.error.slice(0, 500)}`);
  return { text: lines.join("\n") };
}
