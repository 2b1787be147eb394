import "server-only";
import { notFound } from "next/navigation";
import { requirePagePrincipal } from "@/lib/server/auth/page-auth";
import type { Principal } from "@/lib/server/auth/principal";

/** Admin pages answer 404 to others (the actions refuse them on their own as well). */
export async function requireAdminPage(): Promise<Principal> {
  const me = await requirePagePrincipal();
  if (me.role !== "admin") notFound();
  return me;
}
