/** GET /api/healthz: the process is up and its store answers. */
import "server-only";
import { pingDatabase } from "@/lib/server/data/health";

export type Health = { status: "ok"; database: string } | { status: "error"; message: string };

export async function checkHealth(): Promise<Health> {
  try {
    return { status: "ok", database: await pingDatabase() };
  } catch (err) {
    return { status: "error", message: (err as Error).message };
  }
}
