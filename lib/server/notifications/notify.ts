/**
 * Queues notifications: run failed, drift detected, sync succeeded on a production
 * definition. Queued rows are sent by deliver.ts with retries, so a slow or failing
 * receiver never delays a sync. Run outcomes arrive as "run-finished" events
 * (subscribeNotifications, installed at bootstrap).
 */
import "server-only";
import { enqueueDeliveries, findChannelsFor } from "@/lib/server/data/notifications";
import { findDefinitionById } from "@/lib/server/data/definitions";
import { logger } from "@/lib/server/logger";
import { subscribeOnce } from "@/lib/server/runtime/events";
import { processSingleton } from "@/lib/server/runtime/singletons";
import { runOutcomeLabel, runProblemCount } from "@/lib/engine/run-problems";

export const notificationEvents = [
  "run.failed",
  "drift.detected",
  "sync.succeeded",
  "health.degraded",
  "health.recovered",
  "approval.requested",
  "approval.approved",
  "approval.rejected",
] as const;
export type NotificationEvent = (typeof notificationEvents)[number];

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
  /** health.*: the resource ("App prod/web"), its health before and now, and the rule's message */
  resource?: string;
  from?: string | null;
  to?: string;
  /** approval events (issue 15) */
  requestId?: string;
  by?: string;
  /** invalid resources refused + files skipped (lib/engine/run-problems.ts); "Succeeded with problems" when > 0 */
  problems?: number;
}

const kick = processSingleton("notify-kick", () => ({ fn: undefined as (() => void) | undefined }));

/** The delivery worker registers itself so a new notification goes out without waiting for a tick. */
export function setDeliveryKick(fn: (() => void) | undefined): void {
  kick.fn = fn;
}

/** A failed run, and a successful sync of a production definition, are announced (dry-runs never). */
export function subscribeNotifications(): void {
  subscribeApprovalNotifications();
  subscribeOnce("notifications:runs", "run-finished", async ({ run, definition }) => {
    if (run.dryRun) return;
    if (run.phase === "Failed") {
      await notify({
        event: "run.failed",
        definition,
        runId: run.id,
        phase: run.phase,
        trigger: run.trigger,
        commit: run.resolvedCommit,
        error: run.error,
        summary: `sync failed (${run.trigger})`,
      });
    } else if (run.phase === "Succeeded" && (await findDefinitionById(run.definitionId))?.production) {
      const problems = runProblemCount(run.counts as Record<string, number>);
      await notify({
        event: "sync.succeeded",
        definition,
        runId: run.id,
        phase: run.phase,
        trigger: run.trigger,
        commit: run.resolvedCommit,
        problems,
        summary: `production sync ${problems > 0 ? runOutcomeLabel(run.phase, problems).toLowerCase() : "succeeded"} (${run.trigger})`,
      });
    }
  });
}

/** A resource turning Degraded, and one leaving Degraded for Healthy, are announced (issue 14). */
export function subscribeHealthNotifications(): void {
  subscribeOnce("notifications:health", "health-changed", async ({ definition, resource, from, to, message }) => {
    if (to === "Degraded" && from !== "Degraded") {
      await notify({ event: "health.degraded", definition, resource, from, to, error: message, summary: `${resource} is Degraded: ${message}` });
    } else if (from === "Degraded" && to === "Healthy") {
      await notify({ event: "health.recovered", definition, resource, from, to, summary: `${resource} recovered (Healthy)` });
    }
  });
}

/** Approval requests (issue 15): requested, each approval, a rejection. */
export function subscribeApprovalNotifications(): void {
  subscribeOnce("notifications:approvals", "approval", async (e) => {
    await notify({ event: e.event, definition: e.definition, requestId: e.requestId, by: e.by, commit: e.commit, summary: e.summary });
  });
}

export async function notify(p: Omit<NotificationPayload, "at">): Promise<number> {
  try {
    const channels = await findChannelsFor(p.definition, p.event);
    const n = await enqueueDeliveries(
      channels.map((c) => c.id),
      { event: p.event, definition: p.definition, payload: { ...p, at: new Date().toISOString() } },
    );
    if (n > 0) kick.fn?.();
    return n;
  } catch (err) {
    logger.error({ err: (err as Error).message }, "could not queue a notification");
    return 0;
  }
}

/** The body for a channel kind: our JSON as is, or a Slack-compatible {text}. */
export function formatPayload(kind: string, p: NotificationPayload): unknown {
  if (kind !== "slack") return p;
  const icon =
    p.event === "run.failed" || p.event === "health.degraded"
      ? ":x:"
      : p.event === "drift.detected" || (p.problems ?? 0) > 0
        ? ":warning:"
        : ":white_check_mark:";
  const lines = [`${icon} *${p.definition}*: ${p.summary}`];
  if (p.commit) lines.push(`commit \`${p.commit.slice(0, 12)}\``);
  if (p.error) lines.push(`> ${p.error.slice(0, 500)}`);
  return { text: lines.join("\n") };
}
