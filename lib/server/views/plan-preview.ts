/**
 * A plan trimmed for a confirmation dialog: its header, the change count and the first changes
 * with their YAML. Built from a diff (the plan server action) or from a refresh's own plan (the
 * Refresh button), so a refresh plans once.
 */
import "server-only";
import type { DiffView } from "@/lib/api/contract";
import type { PlanHeader, PlanPreview } from "@/lib/api/views";
import type { Definition, PlannedChange } from "@/lib/engine/types";
import type { PlanResult } from "@/lib/server/services/sync";
import { countsOf } from "@/lib/server/services/sync/record-change";

/** the confirmation lists the first 50 resources it will change (issue 21) */
const PREVIEW_LIMIT = 50;
const PROBLEM_LIMIT = 20;

type Shown = PlanPreview["changes"][number];

function preview<C>(header: PlanHeader, changed: readonly C[], show: (c: C) => Shown): PlanPreview {
  return {
    ...header,
    fileProblems: header.fileProblems.slice(0, PROBLEM_LIMIT),
    changedTotal: changed.length,
    // only the shown changes render their YAML
    changes: changed.slice(0, PREVIEW_LIMIT).map(show),
  };
}

export function toPlanPreview(d: DiffView): PlanPreview {
  const header = {
    commit: d.commit,
    commitMessage: d.commitMessage,
    branch: d.branch,
    branchHead: d.branchHead,
    counts: d.counts,
    pruneWithheld: d.pruneWithheld,
    fileProblems: d.fileProblems,
  };
  return preview(
    header,
    d.changes.filter((c) => c.action !== "unchanged"),
    (c) => ({
      kind: c.kind,
      namespace: c.namespace,
      name: c.name,
      action: c.action,
      liveYaml: c.liveYaml ?? "",
      desiredYaml: c.desiredYaml ?? "",
      error: c.error,
    }),
  );
}

/** The same preview from a plan of the branch head (what computeDiff would answer for it). */
export function planPreviewOf(def: Definition, { plan, state }: Pick<PlanResult, "plan" | "state">): PlanPreview {
  const header = {
    commit: state.commit,
    commitMessage: state.commitInfo.message,
    branch: def.spec.gitops?.branch ?? "",
    branchHead: state.branchHead ?? null,
    counts: countsOf(plan),
    pruneWithheld: plan.pruneWithheld ?? null,
    fileProblems: plan.fileProblems,
  };
  return preview(
    header,
    plan.changes.filter((c) => c.action !== "unchanged"),
    (c: PlannedChange) => ({ ...c.key, action: c.action, liveYaml: c.liveYaml, desiredYaml: c.desiredYaml, error: c.error ?? null }),
  );
}
