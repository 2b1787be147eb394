/**
 * The resource page in one call: the stored side (secret values masked), what Git says at the
 * branch head (or the pin), and the runs that touched the resource.
 */
import "server-only";
import { isDrifted } from "@/lib/engine/status";
import { parsePointer } from "@/lib/engine/redact";
import { findDefinition, rowToDefinition } from "@/lib/server/data/definitions";
import { findResource } from "@/lib/server/data/resources";
import { getRunsTouching } from "@/lib/server/data/runs";
import { AppError } from "@/lib/server/errors";
import { computeDiff, type DiffChange } from "@/lib/server/services/sync";
import { liveResourceYaml } from "@/lib/server/views/resource-document";
import type { ResourceDetailData } from "@/lib/api/views";
import { resourceHealthPanel } from "@/lib/server/views/resource-health-panel";

/** The stored spec holds each SOPS-managed value's mask at its path: path → mask, for the lock marks. */
function sopsFields(spec: unknown, paths: unknown): { path: string; fingerprint: string }[] {
  if (!Array.isArray(paths)) return [];
  return paths.flatMap((p) => {
    if (typeof p !== "string") return [];
    let node: unknown = spec;
    for (const seg of parsePointer(p) ?? []) node = node && typeof node === "object" ? (node as Record<string, unknown>)[seg] : undefined;
    const mask = typeof node === "string" && /^<secret:[0-9a-f]{8}>$/.test(node) ? node.slice(8, -1) : "changed since";
    return [{ path: `spec${p.replace(/\//g, ".")}`, fingerprint: mask }];
  });
}

/** null when neither the definition, the store nor Git has this resource. `namespace` "_" is Cluster scope. */
export async function resourceDetailView(definition: string, namespace: string, name: string): Promise<ResourceDetailData | null> {
  const row = await findDefinition(definition);
  if (!row) return null;
  const def = rowToDefinition(row);
  const key = { kind: def.spec.names.kind, namespace: namespace === "_" ? "" : namespace, name };
  const [live, touching] = await Promise.all([findResource(key), getRunsTouching(key)]);
  let change: DiffChange | null = null;
  let gitError: string | null = null;
  let commit: string | null = null;
  if (def.spec.gitops) {
    try {
      const d = await computeDiff(definition, { yamlForUnchanged: { namespace: key.namespace, name: key.name } });
      commit = d.commit;
      change = d.changes.find((c) => c.namespace === key.namespace && c.name === key.name) ?? null;
    } catch (err) {
      gitError = err instanceof AppError ? err.message : "Git could not be read; see the server log.";
    }
  }
  if (!live && !change) return null;
  return {
    healthPanel: await resourceHealthPanel(live),
    definition,
    production: row.production,
    kind: key.kind,
    namespace: key.namespace,
    name: key.name,
    live: live
      ? {
          // the plan's live side is masked the same way; without Git, the stored row is shown through the same view
          yaml: change?.liveYaml ?? liveResourceYaml(live, definition, def.spec.secretPaths),
          syncStatus: live.syncStatus,
          drifted: isDrifted(live),
          managedBy: live.managedBy,
          generation: live.generation,
          lastSyncTime: live.lastSyncTime?.toISOString() ?? null,
          lastCommitSHA: live.lastCommitSHA,
          syncError: live.syncError,
          sourcePath: live.sourcePath,
          sourceLine: live.sourceLine,
          updatedAt: live.updatedAt.toISOString(),
          sopsFields: sopsFields(live.spec, live.sopsPaths),
        }
      : null,
    git: change
      ? {
          yaml: change.desiredYaml ?? "",
          action: change.action,
          status: change.status,
          error: change.error,
          commit,
          sourcePath: change.sourcePath,
          sourceLine: change.sourceLine,
        }
      : commit
        ? { yaml: "", action: "absent", status: "Orphaned", error: null, commit, sourcePath: null, sourceLine: null }
        : null,
    gitError,
    runs: touching.map((t) => ({
      runId: t.run.id,
      at: t.run.createdAt.toISOString(),
      phase: t.run.phase,
      trigger: t.run.trigger,
      dryRun: t.run.dryRun,
      commit: t.run.resolvedCommit,
      action: t.action,
      error: t.error,
    })),
  };
}
