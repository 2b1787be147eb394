/** Query functions for received webhook deliveries: the unique (provider, deliveryId) dedupes retries and floods. */
import "server-only";
import type { Prisma } from "@prisma/client";
import { getDb } from "@/lib/server/db";
import { isUniqueViolation } from "@/lib/server/data/errors";

export interface DeliveryInput {
  provider: string;
  deliveryId: string;
  repoURL: string | null;
  branch: string | null;
  result: string;
  definitions: string[];
}

/** false when this delivery was seen before (nothing else happens for it) */
export async function recordDelivery(d: DeliveryInput): Promise<boolean> {
  try {
    await (await getDb()).webhookDelivery.create({ data: { ...d, definitions: d.definitions as Prisma.InputJsonValue } });
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

export async function deleteDeliveriesBefore(before: Date): Promise<number> {
  return (await (await getDb()).webhookDelivery.deleteMany({ where: { receivedAt: { lt: before } } })).count;
}
