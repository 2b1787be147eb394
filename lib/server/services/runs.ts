/** Run history as the API and the pages show it. */
import "server-only";
import type { RunChangeView, RunDetailView, RunView } from "@/lib/api/contract";
import type { ChangeAction, FieldChange, RunPhase } from "@/lib/engine/types";
import { toCanonicalYaml } from "@/lib/engine/canonical";
import { findDefinition, findDefinitionById } from "@/lib/server/data/definitions";
import { findRun, getRunChanges, getRuns, type RunChangeRow, type RunRow } from "@/lib/server/data/runs";
import { notFound } from "@/lib/server/errors";
import { runProgress } from "@/lib/server/services/run-progress";

export type { RunView };

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
    phase: r.phase as RunPhase,
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

export function toChangeView(c: RunChangeRow): RunChangeView {
  return {
    kind: c.kind,
    namespace: c.namespace,
    name: c.name,
    action: c.action as ChangeAction,
    diff: c.diff as unknown as FieldChange[],
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

export async function getRunWithChanges(id: string, q: { actions?: string[]; limit?: number; offset?: number } = {}): Promise<RunDetailView> {
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
