/**
 * What a run records of its plan: one change record per resource it did not leave unchanged,
 * and the counts. The plan's changes are already masked (plan-definition.ts), so this only
 * chooses the stored form.
 */
import "server-only";
import { stableStringify } from "@/lib/engine/canonical";
import type { Plan, PlannedChange } from "@/lib/engine/types";
import type { ChangeRecord } from "@/lib/server/data/runs";

export function toRecord(c: PlannedChange, opts: { compactCreates?: boolean } = {}): ChangeRecord {
  // A create's side is stored as compact JSON (valid YAML) and rendered as YAML when shown:
  // a first sync of 10,000 resources would otherwise spend seconds rendering text nobody reads yet.
  // Its diff (every field added) is derived from that document when read (runs.ts toChangeView),
  // rather than stored as a second copy of every spec.
  // An invalid document with nothing live is stored the same way: its diff is also every field added.
  const createLike = c.action === "create" || (c.action === "invalid" && !c.liveYaml);
  const shown = opts.compactCreates && createLike ? c.shownDoc : undefined;
  const createJson = shown ? stableStringify(shown) : undefined;
  // An update's or a delete's sides are stored the same way (compact JSON, YAML when shown):
  // the YAML library takes ~0.2 ms per side, most of what recording 100 updates cost.
  // (the sides are rendered only when needed: a change's YAML getters render on first read)
  const compactSides = !createJson && opts.compactCreates && (c.action === "update" || c.action === "delete") && c.shownLive !== undefined;
  const live = createJson ? null : compactSides ? stableStringify(c.shownLive) : c.liveYaml || null;
  const desired = createJson ?? (compactSides ? (c.action === "update" && c.shownDoc ? stableStringify(c.shownDoc) : null) : c.desiredYaml || null);
  return {
    key: c.key,
    action: c.action,
    diff: createJson ? [] : c.diff,
    liveYaml: live,
    desiredYaml: desired,
    error: c.error ?? null,
    sourcePath: c.sourcePath ?? null,
    sourceLine: c.sourceLine ?? null,
  };
}

export function countsOf(plan: Plan): Record<string, number> {
  return {
    ...plan.counts,
    fileProblems: plan.fileProblems.length,
    otherKinds: Object.values(plan.otherKinds).reduce((a, b) => a + b, 0),
  };
}
