import { readJson, route } from "@/lib/server/http/route";
import { userInputSchema } from "@/lib/server/http/api-schemas";
import { createUser, listUsers } from "@/lib/server/services/users";
import { audit } from "@/lib/server/services/audit";

export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, async () => ({ items: await listUsers() }));

export const POST = route({ role: "admin" }, async ({ req, principal }) => {
  const input = userInputSchema.parse(await readJson(req));
  const u = await createUser(input);
  await audit(principal, "user.create", input.username, "ok", { role: input.role });
  return Response.json({ id: u.id, username: input.username, role: input.role }, { status: 201 });
});
