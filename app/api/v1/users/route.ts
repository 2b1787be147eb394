import { z } from "zod";
import { readJson, route } from "@/lib/server/http/route";
import { getUsers } from "@/lib/server/data/users";
import { createUser } from "@/lib/server/services/users";
import { roles } from "@/lib/server/auth/roles";
import { audit } from "@/lib/server/services/audit";

export const dynamic = "force-dynamic";

const userInput = z.object({ username: z.string(), password: z.string(), role: z.enum(roles).default("viewer") });

export const GET = route({ role: "admin" }, async () => ({ items: await getUsers() }));

export const POST = route({ role: "admin" }, async ({ req, principal }) => {
  const input = userInput.parse(await readJson(req));
  const u = await createUser(input);
  await audit(principal, "user.create", input.username, "ok", { role: input.role });
  return Response.json({ id: u.id, username: input.username, role: input.role }, { status: 201 });
});
