/** The compare page in one call: two points of history compared, trimmed for review (issue 16). */
import "server-only";
import type { CompareMode, CompareReviewData } from "@/lib/api/history";
import { findDefinition } from "@/lib/server/data/definitions";
import { AppError } from "@/lib/server/errors";
import { compareHistory } from "@/lib/server/services/history";

const CHANGED_LIMIT = 300;
const UNCHANGED_LIMIT = 500;

export type ComparePageView = { kind: "review"; data: CompareReviewData } | { kind: "error"; message: string };

/** null when there is no such definition; `fetchMissing` for operators, as the diff page. */
export async function comparePageView(name: string, q: { from: string; to: string; mode: CompareMode }, fetchMissing = false): Promise<ComparePageView | null> {
  if (!(await findDefinition(name))) return null;
  try {
    const v = await compareHistory(name, { ...q, fetchMissing });
    const changed = v.changes.filter((c) => c.action !== "unchanged");
    const unchanged = v.changes.filter((c) => c.action === "unchanged");
    return {
      kind: "review",
      data: {
        definition: name,
        mode: v.mode,
        from: v.from,
        to: v.to,
        counts: v.counts,
        fileProblems: v.fileProblems.slice(0, 200),
        changes: changed.slice(0, CHANGED_LIMIT).map((c) => ({
          kind: c.kind,
          namespace: c.namespace,
          name: c.name,
          action: c.action,
          liveYaml: c.liveYaml,
          desiredYaml: c.desiredYaml,
          error: c.error,
        })),
        changedTotal: changed.length,
        unchanged: unchanged.slice(0, UNCHANGED_LIMIT).map((c) => `${c.namespace ? `${c.namespace}/` : ""}${c.name}`),
        unchangedTotal: unchanged.length,
      },
    };
  } catch (err) {
    if (err instanceof AppError) return { kind: "error", message: err.message };
    throw err;
  }
}

/**
 * The two sides from the run history's form: `pick` in table order (newest first, "live" on
 * top), so the older pick is `from`; or explicit `from` / `to`. null with a reason otherwise.
 */
export function compareSidesOf(sp: {
  from?: string | string[];
  to?: string | string[];
  pick?: string | string[];
}): { from: string; to: string } | { error: string } {
  const one = (v: string | string[] | undefined) => (typeof v === "string" ? v.trim().slice(0, 250) : undefined);
  const from = one(sp.from);
  const to = one(sp.to);
  if (from && to) return { from, to };
  const picks = (Array.isArray(sp.pick) ? sp.pick : sp.pick ? [sp.pick] : []).map((p) => p.trim().slice(0, 250)).filter(Boolean);
  if (picks.length !== 2) return { error: `tick exactly two rows to compare (${picks.length} ticked)` };
  return { from: picks[1]!, to: picks[0]! };
}
