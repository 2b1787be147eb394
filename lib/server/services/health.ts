/** GET /api/healthz: the process is up and its store answers. */
import "server-only";
import { pingDatabase } from "@/lib/server/data/health";

export type Health = { status: "ok"; database: string; busy?: true } | { status: "error"; message: string };

export async function checkHealth(): Promise<Health> {
  try {
    const store = await pingDatabase();
    return { status: "ok", database: store.kind, ...(store.busy ? { busy: true as const } : {}) };
  } catch (err) {
    return { status: "error", message: (err as Error).message };
  }
}
