/** The run page in one call: the run (read once), its errors and the first page of its changes. */
import "server-only";
import type { RunDetailView } from "@/lib/api/contract";
import { AppError } from "@/lib/server/errors";
import { getRunWithChangePages } from "@/lib/server/services/runs";

export interface RunPageData {
  /** the run without changes (changesTotal: all of them) */
  initial: RunDetailView;
  /** up to `errorsShown` changes with an error */
  errors: RunDetailView;
  /** the first page of changes */
  firstChanges: RunDetailView;
}

/** null when there is no such run. Never all 10,000 changes: two pages, read in parallel. */
export async function runPageView(id: string, pageSize: number, errorsShown = 200): Promise<RunPageData | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  try {
    const [errors, firstChanges] = await getRunWithChangePages(id, [{ limit: errorsShown, errorsOnly: true }, { limit: pageSize }]);
    return { initial: { ...firstChanges!, changes: [] }, errors: errors!, firstChanges: firstChanges! };
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") return null;
    throw err;
  }
}
