/** Query functions for the audit log. Writing an audit event never fails the caller's action. */
import "server-only";
import type { Prisma } from "@prisma/client";
import { getDb } from "@/lib/server/db";

export interface AuditInput {
  actor: string;
  /** the user's id (names can change); null for the system or an unknown name */
  actorId?: string | null;
  /** the API token's id when a token acted */
  tokenId?: string | null;
  actorType: "user" | "token" | "system";
  action: string;
  target?: string;
  result: "ok" | "denied" | "error";
  details?: Record<string, unknown>;
}

export async function recordAuditEvent(e: AuditInput): Promise<void> {
  try {
    await (
      await getDb()
    ).auditEvent.create({
      data: { ...e, details: (e.details ?? {}) as Prisma.InputJsonValue },
    });
  } catch (err) {
    console.error("audit write failed:", (err as Error).message);
  }
}

export async function getAuditEvents(filter: { action?: string; actor?: string; since?: Date; limit?: number; cursor?: string }) {
  const db = await getDb();
  const take = Math.min(filter.limit ?? 100, 1000);
  const rows = await db.auditEvent.findMany({
    where: {
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.actor ? { actor: filter.actor } : {}),
      ...(filter.since ? { at: { gte: filter.since } } : {}),
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: take + 1,
    ...(filter.cursor ? { cursor: { id: filter.cursor }, skip: 1 } : {}),
  });
  const next = rows.length > take ? rows[take - 1]?.id : undefined;
  return { items: rows.slice(0, take), nextCursor: next ?? null };
}
