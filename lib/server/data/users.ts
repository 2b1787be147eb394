/** Query functions for users. Creating users and passwords goes through better-auth. */
import "server-only";
import { getDb } from "@/lib/server/db";

export async function findUserByUsername(username: string) {
  return (await getDb()).user.findUnique({ where: { username: username.toLowerCase() } });
}

export async function findUserById(id: string) {
  return (await getDb()).user.findUnique({ where: { id } });
}

export async function getUsers() {
  return (await getDb()).user.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, username: true, name: true, role: true, createdAt: true },
  });
}

export async function countUsers(): Promise<number> {
  return (await getDb()).user.count();
}

export async function setUserRole(id: string, role: string) {
  return (await getDb()).user.update({ where: { id }, data: { role } });
}

export async function findPasswordHash(userId: string): Promise<string | null> {
  const acc = await (await getDb()).account.findFirst({ where: { userId, providerId: "credential" } });
  return acc?.password ?? null;
}
