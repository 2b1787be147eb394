import { route } from "@/lib/server/http/route";
import { endUserSessions } from "@/lib/server/services/users";

export const dynamic = "force-dynamic";

/** Sign a user out everywhere (admins; audited). API tokens are revoked separately. */
export const DELETE = route<{ id: string }>({ role: "admin" }, async ({ params, principal }) => endUserSessions(principal, params.id));
