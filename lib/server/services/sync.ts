/**
 * Sync, dry-run, diff and rollback: one pipeline, source → parse → validate → plan → apply →
 * record. Dry-run is the same code path with writes off; diff is the plan without a run.
 * One run per definition at a time is a database rule (SyncRun.activeKey is unique).
 */
import "server-only";
import type { DiffChangeView, DiffView } from "@/lib/api/contract";
import crypto from "node:crypto";
import os from "node:os";
import { planSync } from "@/lib/engine/plan";
import { contentHash, docContentHash, stableStringify, toCanonicalYaml } from "@/lib/engine/canonical";
import { diffFields } from "@/lib/engine/diff";
import { maskSecrets, redactText, redactUrl } from "@/lib/engine/redact";
import { parse as parseYaml } from "yaml";
import type { Definition, LiveResource, Plan, PlannedChange, ResourceKey, RunTrigger } from "@/lib/engine/types";
import { findDefinition, rowToDefinition, setDefinitionPin, type DefinitionRow } from "@/lib/server/data/definitions";
import {
  getDefinitionResourceHeads,
  getForeignResourceKeys,
  getResourcesByIds,
  stampsFollowDefinition,
  type ResourceHead,
  type ResourceRow,
} from "@/lib/server/data/resources";
import {
  failRun,
  findActiveRun,
  findRun,
  finishRun,
  insertActiveRun,
  updateRun,
  type ApplyWrites,
  type ChangeRecord,
  type RunRow,
} from "@/lib/server/data/runs";
import { countDrifted } from "@/lib/server/data/sync-status";
import { recordSyncStatus } from "@/lib/server/services/sync-status";
import { databaseErrorReason, isUniqueViolation } from "@/lib/server/data/errors";
import { AppError, notFound } from "@/lib/server/errors";
import { GitError } from "@/lib/server/git/git-client";
import { fingerprint } from "@/lib/server/crypto/secret-box";
import { getGitClient, repoSourceFor } from "@/lib/server/services/git-source";
import { loadDesiredState, type DesiredState } from "@/lib/server/services/desired-state";
import { knownSecretValues } from "@/lib/server/services/secrets";
import { audit } from "@/lib/server/services/audit";
import { runProgress } from "@/lib/server/services/run-progress";
import type { Principal } from "@/lib/server/auth/principal";
import { logger } from "@/lib/server/logger";
import { releaseAfterLargeWork, releasePendingNow, releaseSoon } from "@/lib/server/memory";

export const MANAGED_BY = "syncline";

/** a live resource as planned: with its content where Git and the store differ, a head elsewhere */
type LiveRow = ResourceRow | ResourceHead;
/** identifies this process as the owner of the runs it executes */
// (on globalThis: Next may load this module in several bundles of one process, and replicas tell runs apart by it)
export const PROCESS_ID: string = ((globalThis as unknown as { __synclineProcessId?: string }).__synclineProcessId ??=
  `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`);

export interface SyncRequest {
  definition: string;
  trigger: RunTrigger;
  who: Principal | "system";
  dryRun?: boolean;
  revision?: string;
  prune?: boolean;
}

function initiatorOf(who: Principal | "system"): string {
  return who === "system" ? "system" : who.username;
}

/** Start a run; it executes in the background. 409 SYNC_IN_PROGRESS when one is active. */
export async function startSync(req: SyncRequest): Promise<{ run: RunRow; done: Promise<RunRow> }> {
  const row = await findDefinition(req.definition);
  if (!row) throw notFound(`definition ${req.definition}`);
  const def = rowToDefinition(row);
  if (!def.spec.gitops) throw new AppError("BAD_REQUEST", `definition ${req.definition} has no gitops section to sync from`);
  let run: RunRow;
  try {
    run = await insertActiveRun({
      definitionId: row.id,
      trigger: req.trigger,
      initiator: initiatorOf(req.who),
      dryRun: req.dryRun ?? false,
      prune: req.prune ?? false,
      requestedRevision: req.revision ?? null,
      owner: PROCESS_ID,
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      const active = await findActiveRun(row.id);
      throw new AppError("SYNC_IN_PROGRESS", `a sync is already running for ${req.definition}`, active ? { runId: active.id } : undefined);
    }
    throw err;
  }
  if (req.who !== "system") {
    await audit(req.who, req.dryRun ? "sync.dry-run" : req.trigger === "rollback" ? "sync.rollback" : "sync.start", req.definition, "ok", {
      runId: run.id,
      revision: req.revision ?? null,
    });
  }
  const done = executeRun(run, row, def, req).then(async () => {
    const final = (await findRun(run.id)) ?? run;
    emitRunFinished(final, req.definition);
    return final;
  });
  return { run, done };
}

/** Called after every run ends (metrics, notifications, auto-sync backoff). Kept on globalThis: Next may load this module in several bundles. */
export type RunFinishedListener = (run: RunRow, definition: string) => void | Promise<void>;
const runListeners = ((globalThis as unknown as { __synclineRunListeners?: Set<RunFinishedListener> }).__synclineRunListeners ??= new Set());

export function onRunFinished(fn: RunFinishedListener): () => void {
  runListeners.add(fn);
  return () => void runListeners.delete(fn);
}

function emitRunFinished(run: RunRow, definition: string): void {
  for (const fn of runListeners) {
    try {
      void Promise.resolve(fn(run, definition)).catch((err) => logger.error({ err: (err as Error).message }, "run listener failed"));
    } catch (err) {
      logger.error({ err: (err as Error).message }, "run listener failed");
    }
  }
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

export interface PlanResult {
  state: DesiredState;
  plan: Plan;
  liveRows: LiveRow[];
}

/** Fetch + load + plan. Shared by sync, dry-run, diff and rollback. */
export async function computePlan(
  row: DefinitionRow,
  def: Definition,
  opts: { revision?: string; prune?: boolean; atomic?: boolean },
  log: (m: string) => void = () => undefined,
): Promise<PlanResult> {
  const gitops = def.spec.gitops!;
  releasePendingNow(); // the previous large run's garbage, before this one makes its own
  const git = getGitClient();
  const src = await repoSourceFor(gitops);
  log(`fetching ${redactUrl(gitops.repoURL)} ${opts.revision ? `at ${opts.revision}` : `branch ${gitops.branch}`}`);
  const target = await git.fetchRevision(src, { branch: gitops.branch, revision: opts.revision });
  log(`resolved commit ${target.commit}`);
  const state = await loadDesiredState(git, src, def, target, log);
  // Hash first, load content only where Git and the store differ (a 100-file change in a
  // 10,000-resource definition reads 100 specs, not 10,000).
  const heads = await getDefinitionResourceHeads(row.id);
  const headByKey = new Map(heads.map((r) => [`${r.namespace}/${r.name}`, r]));
  const inGit = new Set<string>();
  const needContent: string[] = [];
  for (const d of state.desired) {
    const k = `${d.key.namespace}/${d.key.name}`;
    inGit.add(k);
    const h = headByKey.get(k);
    if (!h) continue; // a create: nothing live to compare with
    if (h.liveSpecHash !== docContentHash(d.doc) || d.error) needContent.push(h.id);
  }
  for (const h of heads) if (!inGit.has(`${h.namespace}/${h.name}`)) needContent.push(h.id);
  const full = new Map((await getResourcesByIds(needContent)).map((r) => [r.id, r]));
  const liveRows = heads.map((h) => full.get(h.id) ?? h);
  // A key held by another definition cannot be taken over silently.
  const foreign = await getForeignResourceKeys(row.id, def.spec.names.kind);
  const desired = state.desired.map((d) => {
    const owner = foreign.get(`${d.key.namespace}/${d.key.name}`);
    return owner && !d.error ? { ...d, error: `${d.sourcePath}:${d.sourceLine}: ${describe(d.key)} already belongs to definition ${owner}` } : d;
  });
  const plan = planSync({
    kind: def.spec.names.kind,
    desired,
    live: liveRows.map(toLive),
    fileProblems: state.fileProblems,
    otherKinds: state.otherKinds,
    policy: { prune: def.spec.syncPolicy.prune, atomic: opts.atomic || def.spec.syncPolicy.atomic, allowEmpty: def.spec.syncPolicy.allowEmpty },
    pruneRequested: opts.prune,
    pathMissing: state.pathMissing,
    managedBy: MANAGED_BY,
  });
  log(
    `plan: ${plan.counts.create} create, ${plan.counts.update} update, ${plan.counts.delete} delete, ` +
      `${plan.counts.unchanged} unchanged, ${plan.counts.invalid} invalid, ${plan.counts.skipped} skipped; ` +
      `${plan.fileProblems.length} file problems`,
  );
  if (plan.pruneWithheld) log(plan.pruneWithheld);
  return { state, plan, liveRows };
}

function describe(k: ResourceKey): string {
  return `${k.kind} ${k.namespace ? `${k.namespace}/` : ""}${k.name}`;
}

/** Masks spec paths marked secret in what gets recorded or shown (diffs, YAML). */
export function presentChange(c: PlannedChange, secretPaths: string[], opts: { compactCreates?: boolean } = {}): ChangeRecord {
  // every action, invalid and unchanged included: their YAML carries the same secret values
  if (secretPaths.length === 0) return toRecord(c, opts);
  const mask = (yamlDocSpec: unknown) => maskSecrets(yamlDocSpec, secretPaths, fingerprint);
  const remask = (y: string, spec: unknown, meta: unknown) => (y ? toCanonicalYaml({ kind: c.key.kind, metadata: meta, spec: mask(spec) }) : "");
  // invalid changes carry no parsed document, only the YAML the plan rendered from it
  const desiredDoc = c.desired?.doc ?? (c.desiredYaml ? (parseYaml(c.desiredYaml) as { metadata?: unknown; spec?: unknown } | null) ?? undefined : undefined);
  const liveSpec = c.liveYaml ? extractSpec(c) : undefined;
  return {
    ...toRecord(c, {}),
    diff: diffFields({ spec: mask(liveSpec) }, { spec: mask(desiredDoc?.spec) }).filter((d) => d.path.startsWith("/spec")).concat(c.diff.filter((d) => !d.path.startsWith("/spec"))),
    desiredYaml: desiredDoc ? remask(c.desiredYaml, desiredDoc.spec, desiredDoc.metadata) : c.desiredYaml,
    liveYaml: c.liveYaml ? toCanonicalYaml(maskLiveYaml(c, mask)) : c.liveYaml,
  };
}

const liveSpecs = new WeakMap<PlannedChange, { spec: unknown; metadata: unknown }>();

function extractSpec(c: PlannedChange): unknown {
  return liveSpecs.get(c)?.spec;
}

function maskLiveYaml(c: PlannedChange, mask: (s: unknown) => unknown): unknown {
  const live = liveSpecs.get(c);
  return live ? { kind: c.key.kind, metadata: live.metadata, spec: mask(live.spec) } : {};
}

function rememberLive(plan: Plan, liveRows: LiveRow[], which: (c: PlannedChange) => boolean = () => true): void {
  const byKey = new Map(liveRows.map((r) => [`${r.namespace}/${r.name}`, r]));
  for (const c of plan.changes) {
    if (!which(c)) continue;
    const r = byKey.get(`${c.key.namespace}/${c.key.name}`);
    if (r) {
      const labels = (r.labels ?? {}) as Record<string, string>;
      const annotations = (r.annotations ?? {}) as Record<string, string>;
      liveSpecs.set(c, {
        spec: r.spec,
        metadata: {
          name: r.name,
          ...(r.namespace ? { namespace: r.namespace } : {}),
          ...(Object.keys(labels).length ? { labels } : {}),
          ...(Object.keys(annotations).length ? { annotations } : {}),
        },
      });
    }
  }
}

function toRecord(c: PlannedChange, opts: { compactCreates?: boolean }): ChangeRecord {
  // A create's side is stored as compact JSON (valid YAML) and rendered as YAML when shown:
  // a first sync of 10,000 resources would otherwise spend seconds rendering text nobody reads yet.
  // Its diff (every field added) is derived from that document when read (runs.ts toChangeView),
  // rather than stored as a second copy of every spec.
  const createJson = opts.compactCreates && c.action === "create" && c.desired ? stableStringify(c.desired.doc) : undefined;
  return {
    key: c.key,
    action: c.action,
    diff: createJson ? [] : c.diff,
    liveYaml: createJson ? null : c.liveYaml || null,
    desiredYaml: createJson ?? (c.desiredYaml || null),
    error: c.error ?? null,
    sourcePath: c.sourcePath ?? null,
    sourceLine: c.sourceLine ?? null,
  };
}

function buildWrites(row: DefinitionRow, plan: Plan, liveRows: LiveRow[], commit: string): ApplyWrites {
  const byKey = new Map(liveRows.map((r) => [`${r.namespace}/${r.name}`, r]));
  const w: ApplyWrites = {
    definitionId: row.id,
    commit,
    managedBy: MANAGED_BY,
    creates: [],
    updates: [],
    touches: [],
    untouched: 0,
    errors: [],
    deletes: [],
    orphans: [],
    generation: row.generation,
  };
  for (const c of plan.changes) {
    const live = byKey.get(`${c.key.namespace}/${c.key.name}`);
    const d = c.desired;
    const content =
      d && (c.action === "create" || c.action === "update")
        ? {
            key: c.key,
            labels: d.doc.metadata.labels ?? {},
            annotations: d.doc.metadata.annotations ?? {},
            spec: d.doc.spec ?? {},
            sourcePath: d.sourcePath,
            sourceLine: d.sourceLine,
          }
        : undefined;
    switch (c.action) {
      case "create":
        if (content && d) w.creates.push({ ...content, hash: docContentHash(d.doc) });
        break;
      case "update":
        if (content && live) {
          const hash = docContentHash(d!.doc);
          const specChanged = contentHash({ spec: live.spec, labels: {}, annotations: {} }) !== contentHash({ spec: content.spec, labels: {}, annotations: {} });
          w.updates.push({ ...content, hash, id: live.id, bumpGeneration: specChanged });
        }
        break;
      case "unchanged":
        // a row already following the definition's stamps moves with them: no write
        if (live && stampsFollowDefinition(live)) w.untouched++;
        else if (live) w.touches.push(live.id);
        break;
      case "invalid":
        if (live) w.errors.push({ id: live.id, message: c.error ?? "invalid" });
        break;
      case "delete":
        if (live) w.deletes.push(live.id);
        break;
      case "skipped":
        if (live) w.orphans.push(live.id);
        break;
    }
  }
  return w;
}

function countsOf(plan: Plan): Record<string, number> {
  return {
    ...plan.counts,
    fileProblems: plan.fileProblems.length,
    otherKinds: Object.values(plan.otherKinds).reduce((a, b) => a + b, 0),
  };
}

async function scrub(row: DefinitionRow, def: Definition, message: string): Promise<string> {
  const names = def.spec.gitops?.secretName ? [def.spec.gitops.secretName] : [];
  return redactText(redactUrl(message), await knownSecretValues(names));
}

/** The body of a run. Never throws: every outcome ends the run in a final phase. */
async function executeRun(run: RunRow, row: DefinitionRow, def: Definition, req: SyncRequest): Promise<void> {
  const startedAt = run.startedAt ?? new Date();
  const log: string[] = [];
  const say = (m: string) => {
    log.push(`${new Date().toISOString()} ${m}`);
    runProgress.set(run.id, { message: m });
  };
  runProgress.set(run.id, { phase: "fetching", done: 0, total: 0 });
  const heartbeat = setInterval(() => void updateRun(run.id, {}).catch(() => undefined), 10_000);
  let liveCount = 0;
  heartbeat.unref();
  try {
    // A pinned definition stays on its pin until a person resumes it.
    const revision = req.revision ?? row.pinnedRevision ?? undefined;
    if (!req.revision && row.pinnedRevision) say(`definition is pinned to ${row.pinnedRevision}; syncing that commit (Resume to follow ${def.spec.gitops!.branch} again)`);

    if (!revision && !req.dryRun && (await isNothingToDo(row, def, req))) {
      say(`no changes: ${row.syncedCommit} is applied and nothing drifted`);
      await finishRun(run.id, { phase: "Succeeded", startedAt, log, counts: { unchanged: 0 }, resolvedCommit: row.syncedCommit, commitMessage: null }, []);
      return;
    }

    const { state, plan, liveRows } = await computePlan(row, def, { revision, prune: req.prune, atomic: req.trigger === "rollback" }, say);
    liveCount = plan.changes.length;
    // parsing thousands of files leaves its garbage (YAML syntax trees) behind: collect it
    // before the apply allocates its own
    if (state.parsedFiles > 0) releaseAfterLargeWork(state.parsedFiles);
    // A vanished folder is far more often a mistake (a rename, a bad merge) than an intent:
    // the run fails and the store keeps what it has, instead of recording a "successful" empty sync.
    if (state.pathMissing) {
      throw new AppError("SOURCE_ERROR", `gitops path ${def.spec.gitops!.path} does not exist at commit ${state.commit.slice(0, 7)} (prune withheld: nothing was changed or pruned)`);
    }
    // unchanged resources are not recorded
    rememberLive(plan, liveRows, (c) => c.action !== "unchanged");
    const secretPaths = def.spec.secretPaths ?? [];
    const records = plan.changes.filter((c) => c.action !== "unchanged").map((c) => presentChange(c, secretPaths, { compactCreates: true }));
    for (const p of plan.fileProblems.slice(0, 200)) say(`file problem: ${p.path}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ""}` : ""}: ${p.message}`);
    const counts = countsOf(plan);
    const total = plan.changes.length;
    await updateRun(run.id, { resolvedCommit: state.commit, commitMessage: state.commitInfo.message.slice(0, 2000), total, counts });
    runProgress.set(run.id, { phase: "applying", total, done: 0 });
    const common = { startedAt, log, counts, total, resolvedCommit: state.commit, commitMessage: state.commitInfo.message.slice(0, 2000) };

    if (req.dryRun) {
      say("dry-run: nothing was written to the store");
      await finishRun(run.id, { ...common, phase: "Succeeded", done: total }, records);
      return;
    }
    if (plan.blocked) {
      const why =
        req.trigger === "rollback"
          ? `rollback refused: commit ${state.commit.slice(0, 7)} no longer validates (${plan.counts.invalid} invalid resources, ${plan.fileProblems.length} file problems); nothing was changed`
          : `atomic sync policy: ${plan.counts.invalid} invalid resources and ${plan.fileProblems.length} file problems; nothing was applied`;
      say(why);
      await finishRun(run.id, { ...common, phase: "Failed", error: why, done: 0 }, records);
      return;
    }
    const writes = buildWrites(row, plan, liveRows, state.commit);
    say(`applying ${writes.creates.length + writes.updates.length + writes.deletes.length} changes in one transaction`);
    await finishRun(run.id, { ...common, phase: "Succeeded", done: total }, records, writes, (done) =>
      runProgress.set(run.id, { done }),
    );
    await recordSyncStatus(row.id, plan, state.commit, { applied: true });
    if (req.trigger === "rollback") {
      await setDefinitionPin(row.id, { revision: state.commit, by: initiatorOf(req.who) });
    }
    say("done");
  } catch (err) {
    const dbReason = databaseErrorReason(err);
    const message = await scrub(
      row,
      def,
      err instanceof AppError || err instanceof GitError
        ? err.message
        : dbReason
          ? `database error, the run's writes were rolled back: ${dbReason}`
          : `unexpected error: ${(err as Error).message}`,
    );
    if (!(err instanceof AppError || err instanceof GitError)) logger.error({ err: message, runId: run.id }, "sync run crashed");
    say(`failed: ${message}`);
    try {
      await failRun(run.id, { startedAt, log, error: message });
    } catch (e) {
      logger.error({ err: (e as Error).message, runId: run.id }, "could not record the run's failure");
    }
  } finally {
    clearInterval(heartbeat);
    runProgress.delete(run.id);
    // after the run has been reported as finished, not before
    releaseSoon(liveCount, 250);
  }
}

/** Same branch head as the last applied commit, same definition generation, nothing drifted. */
async function isNothingToDo(row: DefinitionRow, def: Definition, req: SyncRequest): Promise<boolean> {
  if (!row.syncedCommit || row.syncedGeneration !== row.generation) return false;
  if (req.prune && !def.spec.syncPolicy.prune) return false;
  const head = await getGitClient().resolveBranchHead(await repoSourceFor(def.spec.gitops!), def.spec.gitops!.branch);
  if (head !== row.syncedCommit) return false;
  return (await countDrifted(row.id)) === 0;
}

/** Waits for a run to reach a final phase (for ?wait=true and the CLI). */
export async function waitForRun(id: string, timeoutMs = 10 * 60_000): Promise<RunRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await findRun(id);
    if (!r) throw notFound(`run ${id}`);
    if (r.activeKey === null) return r;
    if (Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 200));
  }
}

export type DiffResult = DiffView;
export type DiffChange = DiffChangeView;

/** The plan against a revision (default: branch head), without recording a run. */
export async function computeDiff(
  name: string,
  opts: {
    revision?: string;
    prune?: boolean;
    /** also render YAML for unchanged resources (both sides are equal); default only for this key, if any */
    yamlForUnchanged?: boolean | { namespace: string; name: string };
  } = {},
): Promise<DiffResult> {
  const row = await findDefinition(name);
  if (!row) throw notFound(`definition ${name}`);
  const def = rowToDefinition(row);
  if (!def.spec.gitops) throw new AppError("BAD_REQUEST", `definition ${name} has no gitops section`);
  try {
    const { state, plan, liveRows } = await computePlan(row, def, { revision: opts.revision ?? row.pinnedRevision ?? undefined, prune: opts.prune });
    rememberLive(plan, liveRows);
    const secretPaths = def.spec.secretPaths ?? [];
    // once the caller has sent the (large) answer
    releaseSoon(plan.changes.length, 1_000);
    return {
      definition: name,
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
      changes: plan.changes.map((c) => {
        // Unchanged resources are listed without text unless asked: rendering 10,000 equal
        // YAML pairs is most of a large diff's cost, and views collapse them anyway.
        const want = opts.yamlForUnchanged;
        const render = c.action !== "unchanged" || want === true || (typeof want === "object" && want.namespace === c.key.namespace && want.name === c.key.name);
        if (!render) {
          return { ...c.key, action: c.action, diff: [], liveYaml: null, desiredYaml: null, error: c.error ?? null, sourcePath: c.sourcePath ?? null, sourceLine: c.sourceLine ?? null, status: c.status, drifted: c.drifted };
        }
        const { key, ...rest } = presentChange(c, secretPaths);
        return { ...key, ...rest, status: c.status, drifted: c.drifted };
      }),
    };
  } catch (err) {
    if (err instanceof GitError) throw new AppError("SOURCE_ERROR", await scrub(row, def, err.message), { gitError: err.code });
    throw err;
  }
}

/** Rollback = a sync to an earlier applied commit that pins the definition there. */
export async function startRollback(name: string, to: { commit?: string; runId?: string }, who: Principal) {
  let commit = to.commit;
  if (to.runId) {
    const run = await findRun(to.runId);
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
