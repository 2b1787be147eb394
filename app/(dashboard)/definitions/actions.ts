"use server";
/** Definition actions: plan (for confirmations), sync/dry-run, rollback, resume, refresh. */
import { z } from "zod";
import { defineAction } from "@/lib/server/actions/define-action";
import { computeDiff, resumeDefinition, startRollback, startSync, type DiffResult } from "@/lib/server/services/sync";
import type { PlanPreview } from "@/components/definition/plan-preview-types";
import { findDefinition } from "@/lib/server/data/definitions";
import { refreshDefinition } from "@/lib/server/services/refresh";

const name = z.string().min(1).max(253);
const revision = z.string().min(4).max(250);
const PREVIEW_LIMIT = 30;

function preview(d: DiffResult): PlanPreview {
  const changed = d.changes.filter((c) => c.action !== "unchanged");
  return {
    commit: d.commit,
    commitMessage: d.commitMessage,
    branch: d.branch,
    branchHead: d.branchHead,
    counts: d.counts,
    pruneWithheld: d.pruneWithheld,
    fileProblems: d.fileProblems.slice(0, 20),
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

/** The plan a sync or rollback would apply: counts, target commit, the first changes. */
export const planAction = defineAction(
  { name: "definition.plan", role: "viewer", input: z.object({ name, revision: revision.optional() }) },
  async (input) => preview(await computeDiff(input.name, { revision: input.revision })),
);

/** Sync or dry-run. `revision` pins the run to the reviewed commit. */
export const syncAction = defineAction(
  { name: "definition.sync", role: "operator", input: z.object({ name, dryRun: z.boolean().optional(), revision: revision.optional() }) },
  async (input, who) => {
    const { run } = await startSync({ definition: input.name, trigger: "manual", who, dryRun: input.dryRun, revision: input.revision });
    return { runId: run.id };
  },
);

export const rollbackAction = defineAction(
  { name: "definition.rollback", role: "operator", input: z.object({ name, commit: z.string().regex(/^[0-9a-fA-F]{4,40}$/, "a commit SHA") }) },
  async (input, who) => {
    const { run } = await startRollback(input.name, { commit: input.commit }, who);
    return { runId: run.id };
  },
);

export const resumeAction = defineAction({ name: "definition.resume", role: "operator", input: z.object({ name }) }, (input, who) =>
  resumeDefinition(input.name, who),
);

/** Re-fetch Git and re-plan; answers what a sync would change now. */
export const refreshAction = defineAction({ name: "definition.refresh", role: "viewer", input: z.object({ name }) }, async (input) => {
  // Store fresh statuses (counts, drift) for everyone's view; never syncs, whatever the policy.
  const row = await findDefinition(input.name);
  if (row) await refreshDefinition(row, { full: true });
  return preview(await computeDiff(input.name));
});
