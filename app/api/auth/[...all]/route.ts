import { getAuth } from "@/lib/server/auth/better-auth";

export const dynamic = "force-dynamic";

const handle = async (req: Request) => (await getAuth()).handler(req);
export const GET = handle;
export const POST = handle;
