"use server";
/**
 * Definition actions: plan (for confirmations), sync/dry-run, rollback, resume, refresh, and
 * (admin) save/delete from the editor's JSON, with the same validation as the API.
 */
import { z } from "zod";
import { roleAtLeast } from "@/lib/api/roles";
import { defineAction } from "@/lib/actions/define-action";
import { AppError, notFound } from "@/lib/server/errors";
import { addDefinition, removeDefinition, replaceDefinition } from "@/lib/server/services/definitions";
import { computeDiff, requestSync, resumeDefinition, startRollback } from "@/lib/server/services/sync";
import { findDefinition, rowToDefinition } from "@/lib/server/data/definitions";
import { getBranchHead } from "@/lib/server/services/branch-head";
import { refreshDefinition } from "@/lib/server/services/refresh";
import { coalescedRefresh } from "@/lib/server/services/refresh-throttle";
import { audit } from "@/lib/server/services/audit";
import { planPreviewOf, toPlanPreview } from "@/lib/server/views/plan-preview";

const name = z.string().min(1).max(253);
const revision = z.string().min(4).max(250);

/** The plan a sync or rollback would apply: counts, target commit, the first changes. */
export const planAction = defineAction(
  { name: "definition.plan", role: "viewer", input: z.object({ name, revision: revision.optional() }) },
  // fetching history for a revision not yet in the store is operator work (issue 19 L6)
  async (input, who) => toPlanPreview(await computeDiff(input.name, { revision: input.revision, fetchMissing: roleAtLeast(who.role, "operator") })),
);

/** Sync or dry-run. `revision` pins the run to the reviewed commit. */
export const syncAction = defineAction(
  { name: "definition.sync", role: "operator", input: z.object({ name, dryRun: z.boolean().optional(), revision: revision.optional() }) },
  async (input, who) => {
    // windows and approvals are checked in requestSync (issue 15): a gated definition answers an approval request, no run
    const requested = await requestSync({ definition: input.name, trigger: "manual", who, dryRun: input.dryRun, revision: input.revision });
    if (requested.kind === "approval") return { runId: null, approvalRequestId: requested.approvalRequest.id };
    return { runId: requested.run.id, approvalRequestId: null };
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

/**
 * Re-fetch Git and re-plan; answers what a sync would change now. Operator work, as the REST
 * refresh (issue 19 L6); coalesced per definition (a request joins one in flight or gets one
 * from the last seconds) and audited either way.
 */
export const refreshAction = defineAction({ name: "definition.refresh", role: "operator", input: z.object({ name }) }, async (input, who) => {
  const { value, how } = await coalescedRefresh(`preview:${input.name}`, () => refreshPreview(input.name));
  await audit(who, "definition.refresh", input.name, "ok", { via: "action", ...(how === "fresh" ? {} : { coalesced: how }) });
  return value;
});

async function refreshPreview(name: string) {
  const row = await findDefinition(name);
  if (!row) throw notFound(`definition ${name}`);
  // Store fresh statuses (counts, drift) for everyone's view; never syncs, whatever the policy.
  const refreshed = await refreshDefinition(row, { full: true, withPlan: true });
  // The refresh planned the branch head: show that plan. A pinned definition syncs its pin, a
  // failed refresh has no plan: those ask the diff (which names the error, as before).
  if (refreshed.planned && !row.pinnedRevision) return planPreviewOf(rowToDefinition(row), refreshed.planned);
  // a Git failure is an answer with its cause, never "something went wrong" (issue 21); the
  // definition shows it as its Git state too (refresh stored it)
  if (refreshed.kind === "error") throw new AppError("SOURCE_ERROR", `refresh failed: ${refreshed.error ?? "Git could not be read"}`);
  return toPlanPreview(await computeDiff(name));
}

/** Where the branch is now, without a plan: "has it moved since I reviewed it?" */
export const branchHeadAction = defineAction({ name: "definition.branch-head", role: "viewer", input: z.object({ name }) }, (input) =>
  getBranchHead(input.name),
);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    const pos = m ? Number(m[1]) : null;
    const line = pos === null ? undefined : text.slice(0, pos).split("\n").length;
    throw new AppError("VALIDATION_FAILED", `The JSON does not parse${line ? ` (line ${line})` : ""}: ${(err as Error).message}`, [
      { path: "(json)", message: (err as Error).message, line },
    ]);
  }
}

export const saveDefinitionAction = defineAction(
  { name: "definition.save", role: "admin", input: z.object({ name: z.string().max(253).nullable(), json: z.string().max(2_000_000) }) },
  async (input, who) => {
    const body = parseJson(input.json);
    const saved = input.name ? await replaceDefinition(input.name, body, who) : await addDefinition(body, who);
    return { name: saved.metadata.name };
  },
);

export const deleteDefinitionAction = defineAction(
  { name: "definition.delete", role: "admin", input: z.object({ name: z.string().min(1).max(253) }) },
  async ({ name }, who) => {
    await removeDefinition(name, who);
    return { name };
  },
);
