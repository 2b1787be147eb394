/**
 * Compare two points of a definition's history (issue 16). Each side is a run (id or the 8-char
 * short id), a commit (full or short SHA, tag, branch) or "live" (the current store):
 *
 *   mode=desired  what Git said at each side's commit: the same read → decrypt → validate →
 *                 collect pipeline as a sync (services/sync), without the store
 *   mode=applied  the store after each side's run, rebuilt from the recorded changes
 *
 * Both sides are masked the way the diff masks them and paired by the engine's one planner
 * (`planSync`: the `from` side stands in for "live", the `to` side for "desired", prune on),
 * so a compare has the diff's change shape and its unchanged/update rule.
 */
import "server-only";
import { parse as parseYaml } from "yaml";
import { desiredFromSource, SchemaCompileError } from "@/lib/engine/pipeline";
import { docContentHash } from "@/lib/engine/canonical";
import { docView, liveDocView } from "@/lib/engine/doc-view";
import { planSync } from "@/lib/engine/plan";
import type { Definition, DesiredResource, FileProblem, LiveResource, ResourceDoc, RunPhase } from "@/lib/engine/types";
import type { CompareMode, CompareSideView, CompareView } from "@/lib/api/history";
import { LIVE_REF } from "@/lib/api/history";
import { findDefinition, rowToDefinition, type DefinitionRow } from "@/lib/server/data/definitions";
import { findRunsByIdPrefix, getStoreAfterRun, newestAppliedRun } from "@/lib/server/data/history";
import { getDefinitionResourceHeads, getResourcesByIds } from "@/lib/server/data/resources";
import type { RunRow } from "@/lib/server/data/runs";
import { AppError, notFound } from "@/lib/server/errors";
import { isGitError, type CommitInfo } from "@/lib/server/git/git-client";
import { getGitClient, repoSourceFor } from "@/lib/server/services/git-source";
import { readSource } from "@/lib/server/services/sync/read-source";
import { decryptSource, sealDecrypted } from "@/lib/server/services/sync/decrypt-source";
import { MANAGED_BY, scrubMessage } from "@/lib/server/services/sync/plan-definition";
import { toRecord } from "@/lib/server/services/sync/record-change";
import { prevalidateSource } from "@/lib/server/validation/prevalidate";
import { secretMask, type SpecMask } from "@/lib/server/views/secret-mask";

/** a run id or a prefix of one (the UI shows 8 characters); checked before Git refs, so a short id wins over a short SHA */
const RUN_REF = /^[0-9a-f]{8}(?:[0-9a-f-]{0,28})$/i;

type Side = { type: "live"; ref: string } | { type: "run"; ref: string; run: RunRow } | { type: "commit"; ref: string; commit: string };

/** one side as documents, masked as shown */
interface SideDocs {
  docs: ResourceDoc[];
  fileProblems: FileProblem[];
  /** documents of our kind that are unusable at this commit (the `to` side reports them as invalid) */
  invalid: DesiredResource[];
}

export interface CompareOptions {
  from: string;
  to: string;
  mode?: CompareMode;
  /** fetch a commit not yet in the store (operators; as the diff) */
  fetchMissing?: boolean;
}

export async function compareHistory(name: string, opts: CompareOptions): Promise<CompareView> {
  const mode = opts.mode ?? "desired";
  const row = await findDefinition(name);
  if (!row) throw notFound(`definition ${name}`);
  const def = rowToDefinition(row);
  if (!def.spec.gitops) throw new AppError("BAD_REQUEST", `definition ${name} has no gitops section`);
  try {
    const from = await resolveSide(row, def, opts.from, mode, opts.fetchMissing === true);
    const to = await resolveSide(row, def, opts.to, mode, opts.fetchMissing === true);
    const mask = secretMask(def.metadata.name, def.spec.secretPaths);
    const [fromDocs, toDocs] = await Promise.all([docsOf(row, def, from, mode, mask), docsOf(row, def, to, mode, mask)]);
    const kind = def.spec.names.kind;
    const plan = planSync({
      kind,
      live: fromDocs.docs.map(asLive),
      desired: [...toDocs.docs.map(asDesired), ...toDocs.invalid],
      fileProblems: [],
      otherKinds: {},
      policy: { prune: true, atomic: false, allowEmpty: true },
      managedBy: MANAGED_BY,
    });
    const changes = plan.changes.map((c) => {
      if (c.action === "unchanged") {
        return {
          ...c.key,
          action: c.action,
          diff: [],
          liveYaml: null,
          desiredYaml: null,
          error: null,
          sourcePath: null,
          sourceLine: null,
          status: c.status,
          drifted: false,
        };
      }
      const { key, ...rest } = toRecord(c);
      return { ...key, ...rest, status: c.status, drifted: false };
    });
    return {
      definition: name,
      kind,
      mode,
      from: await sideView(def, from),
      to: await sideView(def, to),
      counts: { ...plan.counts, fileProblems: toDocs.fileProblems.length },
      fileProblems: toDocs.fileProblems,
      changes,
    };
  } catch (err) {
    if (isGitError(err, "TIMEOUT")) throw new AppError("SOURCE_ERROR", `fetching from the repository timed out: ${await scrubMessage(def, err.message)}`);
    if (isGitError(err)) throw new AppError("SOURCE_ERROR", await scrubMessage(def, err.message), { gitError: err.code });
    if (err instanceof SchemaCompileError) throw new AppError("SOURCE_ERROR", err.message);
    throw err;
  }
}

async function resolveSide(row: DefinitionRow, def: Definition, ref: string, mode: CompareMode, fetchMissing: boolean): Promise<Side> {
  const given = ref.trim();
  if (!given) throw new AppError("VALIDATION_FAILED", "from and to are required", [{ path: "from", message: "required" }]);
  if (given.toLowerCase() === LIVE_REF) return { type: "live", ref: given };
  if (RUN_REF.test(given)) {
    const runs = await findRunsByIdPrefix(row.id, given.toLowerCase());
    if (runs.length > 1) throw new AppError("BAD_REQUEST", `run id ${given} is ambiguous: give more characters`);
    if (runs[0]) return sideOfRun(given, runs[0], mode);
  }
  const commit = await resolveCommit(def, given, fetchMissing);
  if (mode === "desired") return { type: "commit", ref: given, commit };
  // applied: the store after the newest real run that applied this commit
  const run = await newestAppliedRun(row.id, commit);
  if (!run) throw notFound(`a succeeded sync of ${given} (commit ${commit.slice(0, 12)}) in the history of ${row.name}`);
  return { type: "run", ref: given, run };
}

function sideOfRun(ref: string, run: RunRow, mode: CompareMode): Side {
  if (mode === "applied" && (run.dryRun || run.phase !== "Succeeded")) {
    throw new AppError(
      "BAD_REQUEST",
      `run ${ref} ${run.dryRun ? "was a dry run" : `ended ${run.phase}`}: it applied nothing, so the store after it is the store before it; compare with mode=desired or pick an applied run`,
    );
  }
  if (mode === "desired" && !run.resolvedCommit)
    throw new AppError("BAD_REQUEST", `run ${ref} resolved no commit (it ${run.phase === "Failed" ? "failed" : "ended"} before reading Git)`);
  return { type: "run", ref, run };
}

async function resolveCommit(def: Definition, revision: string, fetchMissing: boolean): Promise<string> {
  const gitops = def.spec.gitops!;
  const src = await repoSourceFor(gitops);
  // a full SHA the store already holds needs no remote (a compare of two held commits works offline,
  // and a hanging remote is only met by the side that needs a fetch)
  if (/^[0-9a-f]{40}$/i.test(revision)) {
    const held = await getGitClient()
      .commitInfo(src, revision.toLowerCase())
      .catch(() => null);
    if (held) return held.sha;
  }
  try {
    const { commit } = await getGitClient().fetchRevision(src, { branch: gitops.branch, revision, fetchMissing });
    return commit;
  } catch (err) {
    // the caller learns which revision could not be fetched and why, not only that Git timed out
    if (isGitError(err, "TIMEOUT"))
      throw new AppError(
        "SOURCE_ERROR",
        `fetching ${revision} from the repository timed out (nothing was stored; try again): ${await scrubMessage(def, err.message)}`,
        {
          gitError: err.code,
        },
      );
    if (isGitError(err, "REVISION_NOT_FOUND")) {
      if (!fetchMissing)
        throw new AppError("FORBIDDEN", `revision ${revision} is not in this server's copy of the repository yet; fetching it needs the operator role`);
      throw notFound(`revision ${revision} (no run, commit, tag or branch of ${def.metadata.name} by that name)`);
    }
    throw err;
  }
}

async function docsOf(row: DefinitionRow, def: Definition, side: Side, mode: CompareMode, mask: SpecMask | undefined): Promise<SideDocs> {
  if (side.type === "live") {
    const heads = await getDefinitionResourceHeads(row.id);
    const rows = await getResourcesByIds(heads.map((h) => h.id));
    const docs = rows.map((r) =>
      liveDocView(
        { key: { kind: r.kind, namespace: r.namespace, name: r.name }, labels: asMap(r.labels), annotations: asMap(r.annotations), spec: r.spec },
        mask,
      ),
    );
    return { docs, fileProblems: [], invalid: [] };
  }
  if (side.type === "run" && mode === "applied") {
    const recorded = await getStoreAfterRun(row.id, side.run);
    return { docs: recorded.flatMap((r) => (r.desiredYaml ? [parseRecorded(r.desiredYaml)] : [])), fileProblems: [], invalid: [] };
  }
  const commit = side.type === "run" ? side.run.resolvedCommit! : side.commit;
  return desiredAt(def, commit, mask);
}

/** The definition's desired state at a commit: the sync's read → decrypt → validate → collect, nothing planned against the store. */
async function desiredAt(def: Definition, commit: string, mask: SpecMask | undefined): Promise<SideDocs> {
  const git = getGitClient();
  const src = await repoSourceFor(def.spec.gitops!);
  const source = await readSource(git, src, def, { commit });
  const { parse } = await decryptSource(def, source.files, source.parse);
  await prevalidateSource(source.files, parse, def);
  const { desired, fileProblems } = desiredFromSource({
    files: source.files,
    definition: def,
    parse,
    seal: sealDecrypted(def.metadata.name),
    listingProblems: source.listingProblems,
  });
  const valid = desired.filter((d) => d.error === undefined);
  const invalid = desired.filter((d) => d.error !== undefined).map((d) => ({ ...d, doc: docView(d.doc, mask) }));
  return { docs: valid.map((d) => docView(d.doc, mask)), fileProblems, invalid };
}

/** a recorded side: YAML, or compact JSON for creates (record-change.ts); already masked */
function parseRecorded(text: string): ResourceDoc {
  return (text.startsWith("{") ? JSON.parse(text) : parseYaml(text)) as ResourceDoc;
}

function asMap(v: unknown): Record<string, string> {
  return (v ?? {}) as Record<string, string>;
}

function keyOf(doc: ResourceDoc) {
  return { kind: doc.kind, namespace: doc.metadata.namespace ?? "", name: doc.metadata.name };
}

/** a `from` document as the planner's live side (its content hash is its own) */
function asLive(doc: ResourceDoc): LiveResource {
  return {
    key: keyOf(doc),
    spec: doc.spec,
    labels: doc.metadata.labels ?? {},
    annotations: doc.metadata.annotations ?? {},
    generation: 1,
    managedBy: MANAGED_BY,
    appliedSpecHash: null,
    liveSpecHash: docContentHash(doc),
    lastCommitSHA: null,
    lastSyncTime: null,
    syncError: null,
    sourcePath: null,
  };
}

function asDesired(doc: ResourceDoc): DesiredResource {
  return { key: keyOf(doc), doc, sourcePath: "", sourceLine: 0 };
}

async function sideView(def: Definition, side: Side): Promise<CompareSideView> {
  const base: CompareSideView = { ref: side.ref, type: side.type, commit: null, commitMessage: null, author: null, time: null, run: null };
  if (side.type === "live") return base;
  const commit = side.type === "run" ? side.run.resolvedCommit : side.commit;
  const run =
    side.type === "run"
      ? { id: side.run.id, phase: side.run.phase as RunPhase, dryRun: side.run.dryRun, trigger: side.run.trigger, createdAt: side.run.createdAt.toISOString() }
      : null;
  const info = commit ? await commitInfoOrNull(def, commit) : null;
  return {
    ...base,
    commit,
    commitMessage: info?.message ?? (side.type === "run" ? side.run.commitMessage : null),
    author: info?.author ?? null,
    time: info?.time ?? null,
    run,
  };
}

/** commit details from the local store; a recorded run's commit may have been pruned from it since */
async function commitInfoOrNull(def: Definition, commit: string): Promise<CommitInfo | null> {
  try {
    return await getGitClient().commitInfo(await repoSourceFor(def.spec.gitops!), commit);
  } catch {
    return null;
  }
}
