/** Pages and server actions resolve the caller the same way route handlers do. */
import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { resolvePrincipal, type Principal } from "@/lib/server/auth/principal";

export async function getPagePrincipal(): Promise<Principal | null> {
  return resolvePrincipal(await headers());
}

/** For pages: the signed-in user, or a redirect to /login. */
export async function requirePagePrincipal(): Promise<Principal> {
  const p = await getPagePrincipal();
  if (!p) redirect("/login");
  return p;
}
