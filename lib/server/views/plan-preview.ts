/** A plan trimmed for a confirmation dialog: its header, the change count and the first changes with their YAML. */
import "server-only";
import type { DiffView } from "@/lib/api/contract";
import type { PlanPreview } from "@/lib/api/views";

const PREVIEW_LIMIT = 30;
const PROBLEM_LIMIT = 20;

export function toPlanPreview(d: DiffView): PlanPreview {
  const changed = d.changes.filter((c) => c.action !== "unchanged");
  return {
    commit: d.commit,
    commitMessage: d.commitMessage,
    branch: d.branch,
    branchHead: d.branchHead,
    counts: d.counts,
    pruneWithheld: d.pruneWithheld,
    fileProblems: d.fileProblems.slice(0, PROBLEM_LIMIT),
    changedTotal: changed.length,
    changes: changed.slice(0, PREVIEW_LIMIT).map((c) => ({
      kind: c.kind,
      namespace: c.namespace,
      name: c.name,
      action: c.action,
      liveYaml: c.liveYaml ?? "",
      desiredYaml: c.desiredYaml ?? "",
      error: c.error,
    })),
  };
}
