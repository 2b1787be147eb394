/** The audit log for admins: filtered pages for the UI and a JSON export (bounded, newest first). */
import "server-only";
import type { AuditEventView } from "@/lib/api/contract";
import { z } from "zod";
import { getAuditActions, queryAuditEvents, type AuditFilter } from "@/lib/server/data/audit-query";

export const EXPORT_MAX = 50_000;

const isoDate = z
  .string()
  .max(64)
  .refine((v) => !Number.isNaN(Date.parse(v)), "must be a date-time such as 2025-01-31T12:00:00Z");

const filterSchema = z.object({
  action: z.string().max(200).optional(),
  actor: z.string().max(200).optional(),
  target: z.string().max(500).optional(),
  result: z.enum(["ok", "denied", "error"]).optional(),
  since: isoDate.optional(),
  until: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().max(100).optional(),
});

export type { AuditEventView };

/** Query-string → filter; empty values count as absent. Throws ZodError (→ 400) on bad values. */
export function parseAuditQuery(params: URLSearchParams): AuditFilter & { limit?: number; cursor?: string } {
  const raw: Record<string, string> = {};
  for (const [k, v] of params) if (v !== "") raw[k] = v;
  const q = filterSchema.parse({
    action: raw.action,
    actor: raw.actor,
    target: raw.target,
    result: raw.result,
    since: raw.since,
    until: raw.until,
    limit: raw.limit,
    cursor: raw.cursor,
  });
  return { ...q, since: q.since ? new Date(q.since) : undefined, until: q.until ? new Date(q.until) : undefined };
}

function view(r: Awaited<ReturnType<typeof queryAuditEvents>>["items"][number]): AuditEventView {
  return {
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    actorType: r.actorType,
    actorId: r.actorId,
    tokenId: r.tokenId,
    action: r.action,
    target: r.target,
    result: r.result,
    details: r.details,
  };
}

export async function listAuditEvents(f: AuditFilter & { limit?: number; cursor?: string }) {
  const page = await queryAuditEvents(f);
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}

export async function exportAuditEvents(
  f: AuditFilter,
): Promise<{ exportedAt: string; filter: Record<string, string | null>; truncated: boolean; count: number; events: AuditEventView[] }> {
  const events: AuditEventView[] = [];
  let cursor: string | undefined;
  let truncated = false;
  for (;;) {
    const page = await queryAuditEvents({ ...f, limit: 1000, cursor });
    events.push(...page.items.map(view));
    if (!page.nextCursor) break;
    if (events.length >= EXPORT_MAX) {
      truncated = true;
      break;
    }
    cursor = page.nextCursor;
  }
  return {
    exportedAt: new Date().toISOString(),
    filter: {
      action: f.action ?? null,
      actor: f.actor ?? null,
      target: f.target ?? null,
      result: f.result ?? null,
      since: f.since?.toISOString() ?? null,
      until: f.until?.toISOString() ?? null,
    },
    truncated,
    count: events.length,
    events,
  };
}

export { getAuditActions };
