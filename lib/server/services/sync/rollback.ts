/** Rollback is a sync to an earlier applied commit that pins the definition there; resume lifts the pin. */
import "server-only";
import { findDefinition, setDefinitionPin } from "@/lib/server/data/definitions";
import { resolveRun } from "@/lib/server/services/runs";
import { AppError, notFound } from "@/lib/server/errors";
import type { Principal } from "@/lib/server/auth/principal";
import { audit } from "@/lib/server/services/audit";
import { startSync } from "@/lib/server/services/sync/run-sync";

export async function startRollback(name: string, to: { commit?: string; runId?: string }, who: Principal) {
  let commit = to.commit;
  if (to.runId) {
    const run = await resolveRun(to.runId).catch((err: unknown) => {
      if (err instanceof AppError && err.code === "NOT_FOUND") return null;
      throw err;
    });
    const row = await findDefinition(name);
    if (!run || !row || run.definitionId !== row.id) throw notFound(`run ${to.runId} of ${name}`);
    if (run.dryRun || run.phase !== "Succeeded" || !run.resolvedCommit) {
      throw new AppError("BAD_REQUEST", `run ${to.runId} did not apply a commit (dry-run or not succeeded); pick an applied run`);
    }
    commit = run.resolvedCommit;
  }
  if (!commit) throw new AppError("VALIDATION_FAILED", "give a commit or a runId to roll back to", [{ path: "commit", message: "required" }]);
  return startSync({ definition: name, trigger: "rollback", who, revision: commit });
}

export async function resumeDefinition(name: string, who: Principal) {
  const row = await findDefinition(name);
  if (!row) throw notFound(`definition ${name}`);
  if (!row.pinnedRevision) throw new AppError("CONFLICT", `definition ${name} is not pinned`);
  await setDefinitionPin(row.id, null);
  await audit(who, "definition.resume", name, "ok", { wasPinnedTo: row.pinnedRevision });
  return { definition: name, pinnedRevision: null };
}
