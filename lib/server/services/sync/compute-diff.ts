/** The diff: the plan against a revision (default: the branch head or the pin), without recording a run. */
import "server-only";
import type { DiffChangeView, DiffView } from "@/lib/api/contract";
import { findDefinition, rowToDefinition } from "@/lib/server/data/definitions";
import { AppError, notFound } from "@/lib/server/errors";
import { isGitError } from "@/lib/server/git/git-client";
import { computePlan, scrubMessage } from "@/lib/server/services/sync/plan-definition";
import { countsOf, toRecord } from "@/lib/server/services/sync/record-change";

export type DiffResult = DiffView;
export type DiffChange = DiffChangeView;

export async function computeDiff(
  name: string,
  opts: {
    revision?: string;
    prune?: boolean;
    /** also render YAML for unchanged resources (both sides are equal); default only for this key, if any */
    yamlForUnchanged?: boolean | { namespace: string; name: string };
    /**
     * fetch (and deepen history) for a `revision` not yet in the store; operators only, so off by
     * default: a viewer's unknown revision is a 403 without any fetch (issue 19 L6)
     */
    fetchMissing?: boolean;
  } = {},
): Promise<DiffResult> {
  const row = await findDefinition(name);
  if (!row) throw notFound(`definition ${name}`);
  const def = rowToDefinition(row);
  if (!def.spec.gitops) throw new AppError("BAD_REQUEST", `definition ${name} has no gitops section`);
  try {
    const { state, plan } = await computePlan(row, def, {
      revision: opts.revision ?? row.pinnedRevision ?? undefined,
      prune: opts.prune,
      fetchMissing: fetchMissingFor(opts),
    });
    return {
      definition: name,
      kind: def.spec.names.kind,
      revision: opts.revision ?? null,
      commit: state.commit,
      commitMessage: state.commitInfo.message,
      branch: def.spec.gitops.branch,
      branchHead: state.branchHead ?? null,
      pinnedRevision: row.pinnedRevision,
      counts: countsOf(plan),
      pruneWithheld: plan.pruneWithheld ?? null,
      fileProblems: plan.fileProblems,
      otherKinds: plan.otherKinds,
      excludedFiles: state.excludedCounts,
      movedNamespace: plan.movedNamespace ?? 0,
      changes: plan.changes.map((c) => {
        // Unchanged resources are listed without text unless asked: rendering 10,000 equal
        // YAML pairs is most of a large diff's cost, and views collapse them anyway.
        const want = opts.yamlForUnchanged;
        const render =
          c.action !== "unchanged" || want === true || (typeof want === "object" && want.namespace === c.key.namespace && want.name === c.key.name);
        if (!render) {
          return {
            ...c.key,
            action: c.action,
            diff: [],
            liveYaml: null,
            desiredYaml: null,
            error: c.error ?? null,
            sourcePath: c.sourcePath ?? null,
            sourceLine: c.sourceLine ?? null,
            status: c.status,
            drifted: c.drifted,
          };
        }
        const { key, ...rest } = toRecord(c);
        return { ...key, ...rest, status: c.status, drifted: c.drifted };
      }),
    };
  } catch (err) {
    if (isGitError(err, "REVISION_NOT_FOUND") && !fetchMissingFor(opts)) {
      throw new AppError("FORBIDDEN", `revision ${opts.revision} is not in this server's copy of the repository yet; fetching it needs the operator role`);
    }
    if (isGitError(err)) throw new AppError("SOURCE_ERROR", await scrubMessage(def, err.message), { gitError: err.code });
    throw err;
  }
}

/** Only an explicit revision can be held back; the branch head and the pin are always fetched. */
function fetchMissingFor(opts: { revision?: string; fetchMissing?: boolean }): boolean {
  return opts.revision === undefined || opts.fetchMissing === true;
}
