/** Run history as the API and the pages show it. */
import "server-only";
import { toCanonicalYaml } from "@/lib/engine/canonical";
import { findDefinition, findDefinitionById } from "@/lib/server/data/definitions";
import { findRun, getRunChanges, getRuns, type RunChangeRow, type RunRow } from "@/lib/server/data/runs";
import { notFound } from "@/lib/server/errors";
import { runProgress } from "@/lib/server/services/run-progress";

export interface RunView {
  id: string;
  definition: string;
  trigger: string;
  initiator: string;
  dryRun: boolean;
  prune: boolean;
  requestedRevision: string | null;
  commit: string | null;
  commitMessage: string | null;
  phase: string;
  counts: Record<string, number>;
  total: number;
  done: number;
  progress: { phase?: string; done?: number; total?: number; message?: string } | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

export function toRunView(r: RunRow, definition: string): RunView {
  return {
    id: r.id,
    definition,
    trigger: r.trigger,
    initiator: r.initiator,
    dryRun: r.dryRun,
    prune: r.prune,
    requestedRevision: r.requestedRevision,
    commit: r.resolvedCommit,
    commitMessage: r.commitMessage,
    phase: r.phase,
    counts: (r.counts ?? {}) as Record<string, number>,
    total: r.total,
    done: r.done,
    progress: r.activeKey ? (runProgress.get(r.id) ?? null) : null,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    durationMs: r.durationMs,
  };
}

/** Creates are stored as compact JSON (see sync.ts toRecord); everything is shown as YAML. */
export function asYaml(text: string | null): string | null {
  if (!text || !text.startsWith("{")) return text;
  try {
    return toCanonicalYaml(JSON.parse(text));
  } catch {
    return text;
  }
}

export function toChangeView(c: RunChangeRow) {
  return {
    kind: c.kind,
    namespace: c.namespace,
    name: c.name,
    action: c.action,
    diff: c.diff,
    liveYaml: asYaml(c.liveYaml),
    desiredYaml: asYaml(c.desiredYaml),
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

export async function getRunWithChanges(id: string, q: { actions?: string[]; limit?: number; offset?: number } = {}) {
  const run = await findRun(id);
  if (!run) throw notFound(`run ${id}`);
  const def = await findDefinitionById(run.definitionId);
  const changes = await getRunChanges(id, q);
  return {
    ...toRunView(run, def?.name ?? "(deleted)"),
    log: (run.log ?? []) as string[],
    changes: changes.items.map(toChangeView),
    changesTotal: changes.total,
  };
}
