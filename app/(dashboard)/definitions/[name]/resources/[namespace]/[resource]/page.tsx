import { notFound } from "next/navigation";
import { findDefinition, rowToDefinition } from "@/lib/server/data/definitions";
import { findResource, type ResourceRow } from "@/lib/server/data/resources";
import { getRunsTouching } from "@/lib/server/data/runs";
import { computeDiff, type DiffChange } from "@/lib/server/services/sync";
import { isDrifted } from "@/lib/server/services/resource-doc";
import { maskSecrets } from "@/lib/engine/redact";
import { toCanonicalYaml } from "@/lib/engine/canonical";
import { fingerprint } from "@/lib/server/crypto/secret-box";
import { AppError } from "@/lib/server/errors";
import { ResourceDetail } from "@/components/resource/resource-detail";

function liveYamlOf(r: ResourceRow, secretPaths: string[]): string {
  const labels = r.labels as Record<string, string>;
  const annotations = r.annotations as Record<string, string>;
  const metadata = {
    name: r.name,
    ...(r.namespace ? { namespace: r.namespace } : {}),
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(Object.keys(annotations).length ? { annotations } : {}),
  };
  return toCanonicalYaml({ kind: r.kind, metadata, spec: maskSecrets(r.spec, secretPaths, fingerprint) });
}

export default async function ResourcePage({ params }: { params: Promise<{ name: string; namespace: string; resource: string }> }) {
  const p = await params;
  const row = await findDefinition(p.name);
  if (!row) notFound();
  const def = rowToDefinition(row);
  const key = { kind: def.spec.names.kind, namespace: p.namespace === "_" ? "" : p.namespace, name: p.resource };
  const [live, touching] = await Promise.all([findResource(key), getRunsTouching(key)]);
  let change: DiffChange | null = null;
  let gitError: string | null = null;
  let commit: string | null = null;
  if (def.spec.gitops) {
    try {
      const d = await computeDiff(p.name, { yamlForUnchanged: { namespace: key.namespace, name: key.name } });
      commit = d.commit;
      change = d.changes.find((c) => c.namespace === key.namespace && c.name === key.name) ?? null;
    } catch (err) {
      gitError = err instanceof AppError ? err.message : "Git could not be read; see the server log.";
    }
  }
  if (!live && !change) notFound();
  return (
    <ResourceDetail
      definition={p.name}
      kind={key.kind}
      namespace={key.namespace}
      name={key.name}
      live={
        live
          ? {
              yaml: change?.liveYaml ?? liveYamlOf(live, def.spec.secretPaths ?? []),
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
            }
          : null
      }
      git={change ? { yaml: change.desiredYaml ?? "", action: change.action, status: change.status, error: change.error, commit, sourcePath: change.sourcePath, sourceLine: change.sourceLine } : commit ? { yaml: "", action: "absent", status: "Orphaned", error: null, commit, sourcePath: null, sourceLine: null } : null}
      gitError={gitError}
      runs={touching.map((t) => ({
        runId: t.run.id,
        at: t.run.createdAt.toISOString(),
        phase: t.run.phase,
        trigger: t.run.trigger,
        dryRun: t.run.dryRun,
        commit: t.run.resolvedCommit,
        action: t.action,
        error: t.error,
      }))}
    />
  );
}
