import { getDb, getDbKind } from "@/lib/server/db";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const db = await getDb();
    await db.$queryRaw`SELECT 1`;
    return Response.json({ status: "ok", database: await getDbKind() });
  } catch (err) {
    return Response.json({ status: "error", message: (err as Error).message }, { status: 503 });
  }
}
