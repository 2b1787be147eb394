/** Run history as the API and the pages show it. */
import "server-only";
import type { RunChangeView, RunDetailView, RunHealthView, RunView } from "@/lib/api/contract";
import type { ChangeAction, FieldChange, FileProblem, ResourceDoc, RunPhase } from "@/lib/engine/types";
import { runOutcome, runProblemCount } from "@/lib/engine/run-problems";
import { toCanonicalYaml } from "@/lib/engine/canonical";
import { createDiff } from "@/lib/engine/plan";
import { findDefinition, findDefinitionById } from "@/lib/server/data/definitions";
import { findRun, findRunsByIdPrefix, getRunChanges, getRuns, type RunChangeRow, type RunRow } from "@/lib/server/data/runs";
import { AppError, notFound } from "@/lib/server/errors";
import { runProgress } from "@/lib/server/services/run-progress";

export type { RunView };

export function toRunView(r: RunRow, definition: string): RunView {
  return {
    id: r.id,
    definition,
    trigger: r.trigger,
    initiator: r.initiator,
    initiatorId: r.initiatorId,
    initiatorTokenId: r.initiatorTokenId,
    dryRun: r.dryRun,
    prune: r.prune,
    requestedRevision: r.requestedRevision,
    commit: r.resolvedCommit,
    commitMessage: r.commitMessage,
    phase: r.phase as RunPhase,
    counts: (r.counts ?? {}) as Record<string, number>,
    problems: runProblemCount(r.counts as Record<string, number>),
    outcome: runOutcome(r.phase as RunPhase, runProblemCount(r.counts as Record<string, number>)),
    total: r.total,
    done: r.done,
    progress: r.activeKey ? (runProgress.get(r.id) ?? null) : null,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    durationMs: r.durationMs,
    approvalRequestId: r.approvalRequestId,
    health: (r.health as RunHealthView | null) ?? null,
  };
}

/** A stored create (or invalid document with nothing live): its document as compact JSON, and no diff (sync/record-change.ts toRecord). */
function compactCreate(c: RunChangeRow): ResourceDoc | undefined {
  if (!(c.action === "create" || (c.action === "invalid" && !c.liveYaml)) || !c.desiredYaml?.startsWith("{")) return undefined;
  try {
    return JSON.parse(c.desiredYaml) as ResourceDoc;
  } catch {
    return undefined;
  }
}

/** A side stored as compact JSON (an update's or a delete's, record-change.ts) is shown as YAML; YAML stays as it is. */
function asYaml(side: string | null): string | null {
  if (!side?.startsWith("{")) return side;
  try {
    return toCanonicalYaml(JSON.parse(side));
  } catch {
    return side;
  }
}

/** Creates are stored compactly (see sync/record-change.ts toRecord); everything is shown as YAML, with its diff. */
export function toChangeView(c: RunChangeRow): RunChangeView {
  const created = compactCreate(c);
  const diff = c.diff as unknown as FieldChange[];
  return {
    kind: c.kind,
    namespace: c.namespace,
    name: c.name,
    action: c.action as ChangeAction,
    diff: created && diff.length === 0 ? createDiff(created) : diff,
    liveYaml: asYaml(c.liveYaml),
    desiredYaml: created ? toCanonicalYaml(created) : asYaml(c.desiredYaml),
    error: c.error,
    sourcePath: c.sourcePath,
    sourceLine: c.sourceLine,
  };
}

export async function listRuns(name: string, q: { limit?: number; cursor?: string } = {}) {
  const def = await findDefinition(name);
  if (!def) throw notFound(`definition ${name}`);
  const page = await getRuns(def.id, q);
  return { items: page.items.map((r) => toRunView(r, name)), nextCursor: page.nextCursor };
}

/**
 * A run by its id or by the first characters of it (at least 8, as the UI and the CLI show them);
 * a prefix two runs share is refused with both named.
 */
export async function resolveRun(id: string): Promise<RunRow> {
  const exact = await findRun(id);
  if (exact) return exact;
  if (/^[0-9a-f-]{8,35}$/i.test(id)) {
    const found = await findRunsByIdPrefix(id.toLowerCase());
    if (found.length === 1) return found[0]!;
    if (found.length > 1) throw new AppError("BAD_REQUEST", `run id ${id} is ambiguous (${found.map((r) => r.id).join(", ")}, …): give more characters`);
  }
  throw notFound(`run ${id}`);
}

type ChangeQuery = { actions?: string[]; limit?: number; offset?: number; nameContains?: string; errorsOnly?: boolean };

export async function getRunWithChanges(id: string, q: ChangeQuery = {}): Promise<RunDetailView> {
  const [detail] = await getRunWithChangePages(id, [q]);
  return detail!;
}

/**
 * One run with several pages of its changes (the run page: its errors and the first page): the
 * run and its definition are read once and the pages in parallel, one RunDetailView per query.
 */
export async function getRunWithChangePages(id: string, qs: ChangeQuery[]): Promise<RunDetailView[]> {
  const run = await resolveRun(id);
  const [def, ...pages] = await Promise.all([findDefinitionById(run.definitionId), ...qs.map((q) => getRunChanges(run.id, q))]);
  const base = {
    ...toRunView(run, def?.name ?? "(deleted)"),
    log: (run.log ?? []) as string[],
    fileProblems: (run.fileProblems ?? []) as unknown as FileProblem[],
  };
  return pages.map((changes) => ({ ...base, changes: changes.items.map(toChangeView), changesTotal: changes.total }));
}
