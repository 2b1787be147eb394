import { getAuth } from "@/lib/server/auth/better-auth";
import { inOneErrorShape, readAuthRequest } from "@/lib/server/http/auth-request";
import { errorResponse } from "@/lib/server/http/route";

export const dynamic = "force-dynamic";

/** better-auth's handler behind our body cap and input checks, its errors in the one shape (lib/server/http/auth-request.ts). */
const handle = async (req: Request) => {
  try {
    return await inOneErrorShape(await (await getAuth()).handler(await readAuthRequest(req)));
  } catch (err) {
    return errorResponse(err);
  }
};
export const GET = handle;
export const POST = handle;
