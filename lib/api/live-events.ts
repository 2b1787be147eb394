/**
 * The events of GET /api/v1/events (Server-Sent Events), as the dashboard and API clients see
 * them. Each is sent as `event: <type>`, `id: <epoch>:<seq>`, `data: <JSON>`. No event carries
 * a spec, a document or a secret value: ids, names, statuses, counts and run summaries only.
 */
import type { RunView } from "@/lib/api/contract";
import type { DefinitionSummary } from "@/lib/api/views";

/** `at` (ISO time) is when the change happened on the replica that made it */
export interface LiveEventMap {
  /** a run was created (any replica) */
  "run.started": { definition: string; run: RunView; at: string };
  /** a run moved on; at most 4 per second per run */
  "run.progress": { definition: string; runId: string; phase: string | null; done: number; total: number; at: string };
  /** a run reached its final phase */
  "run.finished": { definition: string; run: RunView; at: string };
  /** the definition's summary as the overview shows it (status, counts, runs, and gate/health when the summary has them) */
  "definition.status": { definition: string; summary: DefinitionSummary | null; at: string };
  /** resources whose status changed (coalesced); `changes: null` means too many to list: refetch the table */
  /** a sync changed resources (`status`: their sync status) or status writes moved their health (`health`); null: many, refetch */
  "resource.changed": { definition: string; kind: string; changes: { namespace: string; name: string; status?: string; health?: string }[] | null; at: string };
  /** the server cannot resume from the Last-Event-ID given (buffer passed, another replica or a restart), or many definitions changed at once: refetch everything */
  reset: { reason: string };
  /** the stream ends now (the session or token was revoked, or the client could not keep up) */
  closed: { reason: string };
}

export type LiveEventType = keyof LiveEventMap;
export const LIVE_EVENT_TYPES: LiveEventType[] = ["run.started", "run.progress", "run.finished", "definition.status", "resource.changed", "reset", "closed"];
export interface LiveEvent<T extends LiveEventType = LiveEventType> {
  id: string;
  type: T;
  data: LiveEventMap[T];
}
