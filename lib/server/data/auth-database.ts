/**
 * better-auth's tables (User, Session, Account, Verification) through the one Prisma client:
 * the auth library gets an adapter from the data layer, so the Prisma handle stays here.
 */
import "server-only";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { getDb } from "@/lib/server/db";

export async function getAuthDatabase() {
  return prismaAdapter(await getDb(), { provider: "postgresql" });
}

export type AuthDatabase = Awaited<ReturnType<typeof getAuthDatabase>>;
