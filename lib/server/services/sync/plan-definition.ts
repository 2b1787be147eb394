/**
 * Step 2 of the sync pipeline, plan: fetch the commit, read its files (read-source.ts), and
 * plan them against the store through the engine's one composition (planFromSource): light
 * row heads first, full rows only where the planner says Git and the store differ. Secret
 * paths are masked inside planning, so every change it returns may be shown or recorded.
 * Shared by sync, dry-run, diff, rollback and refresh.
 */
import "server-only";
import { planFromSource, SchemaCompileError } from "@/lib/engine/pipeline";
import { fieldLine, specErrorPointer } from "@/lib/engine/field-line";
import { redactText, redactUrl } from "@/lib/engine/redact";
import { resourceKeyString } from "@/lib/engine/resource-key";
import type { Definition, LiveResource, Plan } from "@/lib/engine/types";
import type { DefinitionRow } from "@/lib/server/data/definitions";
import { getDefinitionResourceHeads, getForeignResourceKeys, getResourcesByIds, type ResourceHead, type ResourceRow } from "@/lib/server/data/resources";
import { AppError } from "@/lib/server/errors";
import { getGitClient, repoSourceFor } from "@/lib/server/services/git-source";
import type { FetchedRevision } from "@/lib/server/git/git-client";
import { knownSecretValues } from "@/lib/server/services/secrets";
import { secretMask } from "@/lib/server/views/secret-mask";
import { readSource, type SourceFiles } from "@/lib/server/services/sync/read-source";
import { decryptSource, sealDecrypted } from "@/lib/server/services/sync/decrypt-source";
import { prevalidateSource } from "@/lib/server/validation/prevalidate";
import { warmSpecValidation } from "@/lib/server/validation/validate-specs";
import { yieldToEventLoop } from "@/lib/engine/time-slice";

export const MANAGED_BY = "syncline";

/** a live resource as planned: with its content where Git and the store differ, a head elsewhere */
export type LiveRow = ResourceRow | ResourceHead;

export interface PlanResult {
  state: Omit<SourceFiles, "files" | "parse" | "parsedFiles" | "listingProblems" | "excluded"> & { parsedFiles: number };
  plan: Plan;
  /** the stored rows the plan was made against, by resourceKeyString (for the writes) */
  rows: Map<string, LiveRow>;
}

/** Fetch + read + plan. */
export async function computePlan(
  row: DefinitionRow,
  def: Definition,
  opts: {
    revision?: string;
    prune?: boolean;
    atomic?: boolean;
    /** false: never fetch for `revision` (GitClient) */ fetchMissing?: boolean;
    /** without `revision`: the branch head the caller just resolved; planned from the store when it is there (no remote call) */
    knownHead?: string;
  },
  log: (m: string) => void = () => undefined,
): Promise<PlanResult> {
  const gitops = def.spec.gitops!;
  warmSpecValidation(); // the validation thread loads while the fetch runs
  const git = getGitClient();
  const src = await repoSourceFor(gitops);
  // The store's side is read while Git is asked (a fetch mostly waits on the remote): after the
  // fetch's first request is under way, so on the embedded store the query fills that wait
  // instead of delaying it. Both are awaited below; a failed fetch leaves them unread.
  const kind = def.spec.names.kind;
  const storeSide = yieldToEventLoop()
    .then(yieldToEventLoop)
    .then(() => Promise.all([getDefinitionResourceHeads(row.id), getForeignResourceKeys(row.id, kind)]));
  storeSide.catch(() => undefined);
  let target: FetchedRevision;
  if (!opts.revision && opts.knownHead && (await git.pathFingerprint(src, opts.knownHead, "/")) !== null) {
    // the shared fetch (services/shared-git.ts) already brought this head into the store
    log(`branch ${gitops.branch} of ${redactUrl(gitops.repoURL)} is at ${opts.knownHead}, already in the local store`);
    target = { commit: opts.knownHead, branchHead: opts.knownHead };
  } else {
    log(`fetching ${redactUrl(gitops.repoURL)} ${opts.revision ? `at ${opts.revision}` : `branch ${gitops.branch}`}`);
    target = await git.fetchRevision(src, {
      branch: gitops.branch,
      revision: opts.revision,
      fetchMissing: opts.fetchMissing,
      branchHead: opts.revision ? undefined : opts.knownHead,
    });
  }
  log(`resolved commit ${target.commit}`);
  const source = await readSource(git, src, def, target, log);

  const [heads, foreign] = await storeSide;
  const rows = new Map<string, LiveRow>();
  for (const h of heads) rows.set(keyOf(h), h);
  // A key held by another definition cannot be taken over silently.
  const heldElsewhere = new Map([...foreign].map(([nsName, owner]) => [resourceKeyString({ kind, ...splitNsName(nsName) }), owner]));
  // SOPS documents are decrypted before collect and validate; each failure stays on its document
  const decrypted = await decryptSource(def, source.files, source.parse);
  if (decrypted.stats.documents > 0) {
    log(
      `decrypted ${decrypted.stats.documents - decrypted.stats.failed} SOPS documents (${decrypted.stats.failed} failed) in ${Math.round(decrypted.stats.ms)} ms`,
    );
  }
  const parse = decrypted.parse;
  // specs are validated off the event loop with a time budget; the pipeline then reads the results
  await prevalidateSource(source.files, parse, def);
  let planned;
  try {
    planned = await planFromSource({
      files: source.files,
      definition: def,
      parse,
      seal: sealDecrypted(def.metadata.name),
      listingProblems: source.listingProblems,
      pathMissing: source.pathMissing,
      live: [...rows.values()].map(toLive),
      loadContent: async (keys) => {
        const full = await getResourcesByIds([...keys].flatMap((k) => rows.get(k)?.id ?? []));
        for (const r of full) rows.set(keyOf(r), r);
        return full.map(toLive);
      },
      heldElsewhere,
      policy: { prune: def.spec.syncPolicy.prune, atomic: opts.atomic || def.spec.syncPolicy.atomic, allowEmpty: def.spec.syncPolicy.allowEmpty },
      pruneRequested: opts.prune,
      mask: secretMask(def.metadata.name, def.spec.secretPaths),
      managedBy: MANAGED_BY,
    });
  } catch (err) {
    if (err instanceof SchemaCompileError) throw new AppError("SOURCE_ERROR", err.message);
    throw err;
  }
  const { plan } = planned;
  await pointSchemaErrorsAtFields(plan, source.files, (oids) => git.readBlobs(src, oids));
  const parsedFiles = source.parsedFiles();
  if (parsedFiles > 0) log(`parsed ${parsedFiles} changed files (${source.files.length - parsedFiles} from cache)`);
  log(
    `plan: ${plan.counts.create} create, ${plan.counts.update} update, ${plan.counts.delete} delete, ` +
      `${plan.counts.unchanged} unchanged, ${plan.counts.invalid} invalid, ${plan.counts.skipped} skipped; ` +
      `${plan.fileProblems.length} file problems`,
  );
  if (plan.movedNamespace) {
    log(`moved ${plan.movedNamespace} documents to namespace ${gitops.targetNamespace} (gitops.forceNamespace; their own metadata.namespace is not used)`);
  }
  if (plan.pruneWithheld) log(plan.pruneWithheld);
  const { commit, commitInfo, branchHead, pathMissing, excludedCounts } = source;
  return { state: { commit, commitInfo, branchHead, pathMissing, parsedFiles, excludedCounts }, plan, rows };
}

/** at most this many files are read again to place schema errors on their field's line */
const FIELD_LINE_FILES = 50;
/** a larger file keeps the document's line: re-parsing it with positions would hold the event loop (H2) */
const FIELD_LINE_MAX_BYTES = 64 * 1024;

/**
 * A schema error names the document's first line when validated; for the first invalid
 * resources, read their files again and name the failing field's line instead (issue 21).
 * Best effort: a file that cannot be read keeps the document's line.
 */
async function pointSchemaErrorsAtFields(
  plan: Plan,
  files: readonly { path: string; oid: string }[],
  readBlobs: (oids: string[]) => Promise<Map<string, Uint8Array>>,
): Promise<void> {
  const wanted = plan.changes.filter((c) => c.action === "invalid" && c.error && c.sourcePath && c.sourceLine);
  if (wanted.length === 0) return;
  const oidByPath = new Map(files.map((f) => [f.path, f.oid]));
  const paths = [...new Set(wanted.map((c) => c.sourcePath!))].filter((p) => oidByPath.has(p)).slice(0, FIELD_LINE_FILES);
  let blobs: Map<string, Uint8Array>;
  try {
    blobs = paths.length > 0 ? await readBlobs(paths.map((p) => oidByPath.get(p)!)) : new Map();
  } catch {
    return;
  }
  const texts = new Map<string, string>();
  for (const c of wanted) {
    const oid = oidByPath.get(c.sourcePath!);
    const bytes = oid ? blobs.get(oid) : undefined;
    if (!bytes || bytes.byteLength > FIELD_LINE_MAX_BYTES) continue;
    const pointer = specErrorPointer(c.error!, c.sourcePath!, c.sourceLine!);
    if (!pointer) continue;
    let text = texts.get(oid!);
    if (text === undefined) {
      await new Promise((r) => setImmediate(r)); // one file per turn of the event loop
      texts.set(oid!, (text = new TextDecoder().decode(bytes)));
    }
    const line = fieldLine(text, c.sourceLine!, pointer);
    if (line && line !== c.sourceLine) c.error = c.error!.replace(`${c.sourcePath}:${c.sourceLine}: spec`, `${c.sourcePath}:${line}: spec`);
  }
}

function keyOf(r: { kind: string; namespace: string; name: string }): string {
  return resourceKeyString({ kind: r.kind, namespace: r.namespace, name: r.name });
}

/** getForeignResourceKeys keys rows by "namespace/name" (names cannot contain "/") */
function splitNsName(k: string): { namespace: string; name: string } {
  const i = k.indexOf("/");
  return { namespace: k.slice(0, i), name: k.slice(i + 1) };
}

/** Live rows → the engine's LiveResource. */
function toLive(r: LiveRow): LiveResource {
  return {
    key: { kind: r.kind, namespace: r.namespace, name: r.name },
    spec: r.spec,
    labels: (r.labels ?? {}) as Record<string, string>,
    annotations: (r.annotations ?? {}) as Record<string, string>,
    generation: r.generation,
    managedBy: r.managedBy,
    appliedSpecHash: r.appliedSpecHash,
    liveSpecHash: r.liveSpecHash,
    lastCommitSHA: r.lastCommitSHA,
    lastSyncTime: r.lastSyncTime?.toISOString() ?? null,
    syncError: r.syncError,
    sourcePath: r.sourcePath,
  };
}

/** A message as it may be stored or shown: URL credentials and the definition's Git secret removed. */
export async function scrubMessage(def: Definition, message: string): Promise<string> {
  const names = def.spec.gitops?.secretName ? [def.spec.gitops.secretName] : [];
  return redactText(redactUrl(message), await knownSecretValues(names));
}
