/** Query functions for named secrets. Rows hold ciphertext only; values never leave services/secrets. */
import "server-only";
import { getDb } from "@/lib/server/db";

export async function upsertSecretRow(name: string, type: string, ciphertext: string) {
  return (await getDb()).secret.upsert({
    where: { name },
    create: { name, type, ciphertext },
    update: { type, ciphertext },
  });
}

export async function findSecretRow(name: string) {
  return (await getDb()).secret.findUnique({ where: { name } });
}

export async function getSecretNames() {
  return (await getDb()).secret.findMany({
    orderBy: { name: "asc" },
    select: { name: true, type: true, createdAt: true, updatedAt: true },
  });
}

export async function deleteSecretRow(name: string): Promise<boolean> {
  return (await (await getDb()).secret.deleteMany({ where: { name } })).count > 0;
}
