/** Query functions for notification channels (outbound webhooks) and their delivery queue. */
import "server-only";
import type { Prisma } from "@prisma/client";
import { getDb } from "@/lib/server/db";

export interface ChannelInput {
  name: string;
  kind: "generic" | "slack";
  urlCiphertext: string;
  urlHint: string;
  definition: string | null;
  events: string[];
}

export async function createChannel(c: ChannelInput) {
  return (await getDb()).notificationChannel.create({ data: { ...c, events: c.events as Prisma.InputJsonValue } });
}

export async function getChannels() {
  return (await getDb()).notificationChannel.findMany({ orderBy: { name: "asc" } });
}

export async function deleteChannel(id: string): Promise<boolean> {
  return (await (await getDb()).notificationChannel.deleteMany({ where: { id } })).count > 0;
}

/** Enabled channels for a definition (its own plus the global ones) that want `event`. */
export async function findChannelsFor(definition: string, event: string) {
  const rows = await (
    await getDb()
  ).notificationChannel.findMany({
    where: { enabled: true, OR: [{ definition: null }, { definition }] },
  });
  return rows.filter((r) => Array.isArray(r.events) && (r.events as unknown[]).includes(event));
}

export async function enqueueDeliveries(channelIds: string[], d: { event: string; definition: string; payload: unknown }): Promise<number> {
  if (channelIds.length === 0) return 0;
  const r = await (
    await getDb()
  ).notificationDelivery.createMany({
    data: channelIds.map((channelId) => ({ channelId, event: d.event, definition: d.definition, payload: d.payload as Prisma.InputJsonValue })),
  });
  return r.count;
}

/**
 * Claims up to `limit` due deliveries for this process: their next attempt moves `leaseMs`
 * ahead in the same statement (SKIP LOCKED), so replicas never send one twice at once.
 */
export async function claimDueDeliveries(limit: number, leaseMs: number) {
  const db = await getDb();
  const ids = await db.$queryRaw<{ id: string }[]>`
    UPDATE "NotificationDelivery" SET "nextAttemptAt" = (now() AT TIME ZONE 'UTC') + (${Math.round(leaseMs)}::int * interval '1 millisecond')
    WHERE "id" IN (
      SELECT "id" FROM "NotificationDelivery"
      WHERE "status" = 'pending' AND "nextAttemptAt" <= (now() AT TIME ZONE 'UTC')
      ORDER BY "nextAttemptAt" LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING "id"`;
  if (ids.length === 0) return [];
  return db.notificationDelivery.findMany({ where: { id: { in: ids.map((r) => r.id) } }, include: { channel: true } });
}

export async function markDelivered(id: string, attempts: number): Promise<void> {
  await (await getDb()).notificationDelivery.update({ where: { id }, data: { status: "delivered", attempts, deliveredAt: new Date(), lastError: null } });
}

export async function markAttemptFailed(id: string, f: { attempts: number; nextAttemptAt: Date; gaveUp: boolean; error: string }): Promise<void> {
  await (
    await getDb()
  ).notificationDelivery.update({
    where: { id },
    data: { attempts: f.attempts, nextAttemptAt: f.nextAttemptAt, status: f.gaveUp ? "failed" : "pending", lastError: f.error.slice(0, 1000) },
  });
}

export async function getDeliveries(q: { channelId?: string; limit?: number } = {}) {
  return (await getDb()).notificationDelivery.findMany({
    where: q.channelId ? { channelId: q.channelId } : {},
    orderBy: { createdAt: "desc" },
    take: Math.min(q.limit ?? 50, 500),
    select: {
      id: true,
      channelId: true,
      event: true,
      definition: true,
      status: true,
      attempts: true,
      lastError: true,
      createdAt: true,
      deliveredAt: true,
      nextAttemptAt: true,
    },
  });
}
