/** Query functions for production gates (issue 15): global sync windows, approval requests and votes. */
import "server-only";
import type { ApprovalRequest, ApprovalVote, Prisma, SyncWindow as SyncWindowRow } from "@prisma/client";
import { getDb } from "@/lib/server/db";
import type { GlobalSyncWindow } from "@/lib/engine/sync-windows";

export type ApprovalRequestRow = ApprovalRequest & { votes: ApprovalVote[] };
export type ApprovalVoteRow = ApprovalVote;

export function rowToGlobalWindow(r: SyncWindowRow): GlobalSyncWindow {
  return {
    id: r.id,
    kind: r.kind === "deny" ? "deny" : "allow",
    schedule: r.schedule,
    duration: r.duration,
    ...(r.timeZone ? { timeZone: r.timeZone } : {}),
    ...(r.manualSync ? { manualSync: true } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    match: (r.match ?? {}) as GlobalSyncWindow["match"],
  };
}

export async function listGlobalWindows(): Promise<GlobalSyncWindow[]> {
  return (await (await getDb()).syncWindow.findMany({ orderBy: { createdAt: "asc" } })).map(rowToGlobalWindow);
}

export async function insertGlobalWindow(w: Omit<GlobalSyncWindow, "id">, createdBy: string): Promise<GlobalSyncWindow> {
  const row = await (
    await getDb()
  ).syncWindow.create({
    data: {
      kind: w.kind,
      schedule: w.schedule,
      duration: w.duration,
      timeZone: w.timeZone ?? null,
      manualSync: w.manualSync ?? false,
      reason: w.reason ?? null,
      match: w.match as Prisma.InputJsonValue,
      createdBy,
    },
  });
  return rowToGlobalWindow(row);
}

export async function deleteGlobalWindow(id: string): Promise<boolean> {
  return (await (await getDb()).syncWindow.deleteMany({ where: { id } })).count > 0;
}

export interface NewApprovalRequest {
  definitionId: string;
  definitionName: string;
  commit: string;
  generation: number;
  planHash: string;
  plan: unknown;
  required: number;
  prune: boolean;
  trigger: string;
  requestedBy: string;
  requestedById: string | null;
  expiresAt: Date | null;
}

/** Inserts a Pending request and marks older open ones of the definition Superseded, in one transaction. Answers the superseded ids. */
export async function insertApprovalRequest(r: NewApprovalRequest): Promise<{ request: ApprovalRequestRow; superseded: string[] }> {
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const older = await tx.approvalRequest.findMany({ where: { definitionId: r.definitionId, state: { in: ["Pending", "Approved"] } }, select: { id: true } });
    if (older.length)
      await tx.approvalRequest.updateMany({
        where: { id: { in: older.map((o) => o.id) }, state: { in: ["Pending", "Approved"] } },
        data: { state: "Superseded", decidedAt: new Date(), reason: "a newer request for this definition supersedes it" },
      });
    const request = await tx.approvalRequest.create({ data: { ...r, plan: r.plan as Prisma.InputJsonValue }, include: { votes: true } });
    return { request, superseded: older.map((o) => o.id) };
  });
}

export async function findApprovalRequest(id: string): Promise<ApprovalRequestRow | null> {
  return (await getDb()).approvalRequest.findUnique({ where: { id }, include: { votes: { orderBy: { createdAt: "asc" } } } });
}

export async function listApprovalRequests(f: { definition?: string; state?: string; limit?: number }): Promise<ApprovalRequestRow[]> {
  return (await getDb()).approvalRequest.findMany({
    where: { ...(f.definition ? { definitionName: f.definition } : {}), ...(f.state ? { state: f.state } : {}) },
    orderBy: { createdAt: "desc" },
    take: f.limit ?? 100,
    include: { votes: { orderBy: { createdAt: "asc" } } },
    omit: { plan: true },
  }) as Promise<ApprovalRequestRow[]>;
}

/** The open (Pending or Approved) request of a definition, newest first. */
export async function findOpenRequest(definitionId: string): Promise<ApprovalRequestRow | null> {
  return (await getDb()).approvalRequest.findFirst({
    where: { definitionId, state: { in: ["Pending", "Approved", "Applying"] } },
    orderBy: { createdAt: "desc" },
    include: { votes: true },
  });
}

/** findOpenRequest for several definitions in one query: the newest open request of each that has one. */
export async function findOpenRequests(definitionIds: string[]): Promise<Map<string, ApprovalRequestRow>> {
  if (definitionIds.length === 0) return new Map();
  const rows = await (
    await getDb()
  ).approvalRequest.findMany({
    where: { definitionId: { in: definitionIds }, state: { in: ["Pending", "Approved", "Applying"] } },
    orderBy: { createdAt: "desc" },
    include: { votes: true },
  });
  const out = new Map<string, ApprovalRequestRow>();
  for (const r of rows) if (!out.has(r.definitionId)) out.set(r.definitionId, r);
  return out;
}

export async function countPendingRequests(): Promise<number> {
  return (await getDb()).approvalRequest.count({ where: { state: "Pending" } });
}

/** One person counts once: the (requestId, userId) unique index refuses a second vote (P2002). */
export async function insertVote(v: {
  requestId: string;
  userId: string;
  username: string;
  decision: "approve" | "reject";
  comment: string | null;
}): Promise<void> {
  await (await getDb()).approvalVote.create({ data: v });
}

export async function countApprovals(requestId: string): Promise<number> {
  return (await getDb()).approvalVote.count({ where: { requestId, decision: "approve" } });
}

/** Compare-and-set on state: answers true for exactly one caller when several race. */
export async function transitionRequest(
  id: string,
  from: string[],
  to: string,
  data: { reason?: string | null; runId?: string | null; decided?: boolean } = {},
): Promise<boolean> {
  const res = await (
    await getDb()
  ).approvalRequest.updateMany({
    where: { id, state: { in: from } },
    data: {
      state: to,
      ...(data.reason !== undefined ? { reason: data.reason } : {}),
      ...(data.runId !== undefined ? { runId: data.runId } : {}),
      ...(data.decided ? { decidedAt: new Date() } : {}),
    },
  });
  return res.count === 1;
}

/** Pending requests past their expiry become Expired; answers them. */
export async function expireRequests(now: Date): Promise<{ id: string; definitionName: string }[]> {
  const db = await getDb();
  const due = await db.approvalRequest.findMany({ where: { state: "Pending", expiresAt: { lte: now } }, select: { id: true, definitionName: true } });
  const done: { id: string; definitionName: string }[] = [];
  for (const d of due) {
    const r = await db.approvalRequest.updateMany({
      where: { id: d.id, state: "Pending" },
      data: { state: "Expired", decidedAt: now, reason: "expired before it was approved" },
    });
    if (r.count === 1) done.push(d);
  }
  return done;
}

/** Requests claimed for applying (state Applying): the scheduler checks that their applier is alive. */
export async function applyingRequests(): Promise<{ id: string; definitionName: string }[]> {
  return (await getDb()).approvalRequest.findMany({ where: { state: "Applying" }, select: { id: true, definitionName: true } });
}

/** The run an approval request started, if it got that far. */
export async function findRunIdOfRequest(requestId: string): Promise<string | null> {
  const run = await (await getDb()).syncRun.findFirst({ where: { approvalRequestId: requestId }, select: { id: true }, orderBy: { createdAt: "desc" } });
  return run?.id ?? null;
}

export async function approvedWaiting(): Promise<ApprovalRequestRow[]> {
  return (await getDb()).approvalRequest.findMany({ where: { state: "Approved" }, include: { votes: true }, orderBy: { createdAt: "asc" } });
}
