import { readJson, route } from "@/lib/server/http/route";
import { issueApiToken, listApiTokens } from "@/lib/server/services/api-tokens";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer" }, ({ principal }) => listApiTokens(principal).then((items) => ({ items })));

/** A script bootstraps itself with HTTP Basic (username + password) and gets a token once. */
export const POST = route({ role: "viewer", allowBasic: true }, async ({ req, principal }) =>
  Response.json(await issueApiToken(await readJson(req), principal), { status: 201 }),
);
