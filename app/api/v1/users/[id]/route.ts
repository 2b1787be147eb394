import { readJson, route } from "@/lib/server/http/route";
import { userUpdateSchema } from "@/lib/server/http/api-schemas";
import { changeUserRole, deleteUser, renameUser, setUserDisabled } from "@/lib/server/services/users";

export const dynamic = "force-dynamic";

/** Rename, change the role of, disable or enable a user (admins; each change audited). */
export const PATCH = route<{ id: string }>({ role: "admin" }, async ({ req, params, principal }) => {
  const input = userUpdateSchema.parse(await readJson(req));
  const out: { id: string; username?: string; role?: string; disabled?: boolean; sessionsEnded?: number } = { id: params.id };
  if (input.username !== undefined) out.username = (await renameUser(principal, params.id, input.username)).username;
  if (input.role !== undefined) out.role = (await changeUserRole(principal, params.id, input.role)).role;
  if (input.disabled !== undefined) {
    const r = await setUserDisabled(principal, params.id, input.disabled);
    out.disabled = r.disabled;
    out.sessionsEnded = r.sessionsEnded;
  }
  return out;
});

/** Delete a user with their sessions and API tokens; the last enabled admin cannot be deleted (409). */
export const DELETE = route<{ id: string }>({ role: "admin" }, async ({ params, principal }) => {
  await deleteUser(principal, params.id);
  return new Response(null, { status: 204 });
});
