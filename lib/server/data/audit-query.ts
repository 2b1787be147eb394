/** Audit log queries for the admin page and the JSON export: more filters than data/audit.ts, same order and cursor. */
import "server-only";
import type { Prisma } from "@prisma/client";
import { getDb } from "@/lib/server/db";

export interface AuditFilter {
  /** exact action, or a prefix ending in "." or "*" ("sync." / "sync*" = every sync action) */
  action?: string;
  actor?: string;
  /** substring of the target */
  target?: string;
  result?: "ok" | "denied" | "error";
  since?: Date;
  until?: Date;
}

function where(f: AuditFilter): Prisma.AuditEventWhereInput {
  const w: Prisma.AuditEventWhereInput = {};
  if (f.action) {
    const prefix = f.action.endsWith("*") ? f.action.slice(0, -1) : f.action.endsWith(".") ? f.action : null;
    w.action = prefix !== null ? { startsWith: prefix } : f.action;
  }
  if (f.actor) w.actor = { contains: f.actor, mode: "insensitive" };
  if (f.target) w.target = { contains: f.target, mode: "insensitive" };
  if (f.result) w.result = f.result;
  if (f.since || f.until) w.at = { ...(f.since ? { gte: f.since } : {}), ...(f.until ? { lt: f.until } : {}) };
  return w;
}

export async function queryAuditEvents(f: AuditFilter & { limit?: number; cursor?: string }) {
  const db = await getDb();
  const take = Math.min(Math.max(f.limit ?? 100, 1), 1000);
  const rows = await db.auditEvent.findMany({
    where: where(f),
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: take + 1,
    ...(f.cursor ? { cursor: { id: f.cursor }, skip: 1 } : {}),
  });
  return { items: rows.slice(0, take), nextCursor: rows.length > take ? (rows[take - 1]?.id ?? null) : null };
}

/** Distinct action names (for the filter drop-down). */
export async function getAuditActions(): Promise<string[]> {
  const rows = await (await getDb()).auditEvent.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } });
  return rows.map((r) => r.action);
}
