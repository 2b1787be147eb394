/**
 * A stored resource as the server shows it: the engine's one document view (doc-view.ts, the
 * same the planner diffs) with the definition's secret values masked (secret-mask.ts), as
 * canonical YAML for the resource page, or as the API's ResourceView.
 */
import "server-only";
import { toCanonicalYaml } from "@/lib/engine/canonical";
import { liveDocView } from "@/lib/engine/doc-view";
import { isDrifted } from "@/lib/engine/status";
import { isHealthStatus } from "@/lib/engine/health";
import type { StoredSyncStatus } from "@/lib/engine/vocabulary";
import type { ResourceView } from "@/lib/api/contract";
import type { ResourceRow } from "@/lib/server/data/resources";
import { maskSpec, secretMask } from "@/lib/server/views/secret-mask";

type Paths = readonly string[] | null | undefined;

/** The live side's YAML, secret values masked (salted with `definition`, its name). */
export function liveResourceYaml(r: ResourceRow, definition: string, secretPaths: Paths): string {
  const live = {
    key: { kind: r.kind, namespace: r.namespace, name: r.name },
    labels: (r.labels ?? {}) as Record<string, string>,
    annotations: (r.annotations ?? {}) as Record<string, string>,
    spec: r.spec,
  };
  return toCanonicalYaml(liveDocView(live, secretMask(definition, secretPaths)));
}

/** The seed's shape `{kind, metadata, spec, status}` the API answers with, secret values masked (salted with `definition`). */
export function toResourceView(r: ResourceRow, definition: string, secretPaths: Paths): ResourceView {
  return {
    kind: r.kind,
    metadata: {
      name: r.name,
      ...(r.namespace ? { namespace: r.namespace } : {}),
      labels: (r.labels ?? {}) as Record<string, string>,
      annotations: (r.annotations ?? {}) as Record<string, string>,
      generation: r.generation,
    },
    spec: maskSpec(r.spec, definition, { kind: r.kind, namespace: r.namespace, name: r.name }, secretPaths),
    status: {
      // what the executor wrote first: the server's own keys below are reserved and win
      ...(r.status && typeof r.status === "object" && !Array.isArray(r.status) ? (r.status as Record<string, unknown>) : {}),
      gitSync: {
        lastSyncTime: r.lastSyncTime ? r.lastSyncTime.toISOString() : null,
        lastCommitSHA: r.lastCommitSHA,
        syncError: r.syncError ?? "",
      },
      // the database refuses any other value (CHECK "Resource_syncStatus_check")
      syncStatus: r.syncStatus as StoredSyncStatus,
      drifted: isDrifted(r),
      managedBy: r.managedBy,
      sourcePath: r.sourcePath,
      sourceLine: r.sourceLine,
      // SOPS-managed fields: their spec values are masks; the cleartext is sealed in the store
      ...(Array.isArray(r.sopsPaths) && r.sopsPaths.length > 0 ? { sopsPaths: r.sopsPaths as string[] } : {}),
      health: isHealthStatus(r.health)
        ? { status: r.health, message: r.healthMessage ?? "", lastTransitionTime: r.healthTransitionTime ? r.healthTransitionTime.toISOString() : null }
        : null,
    },
  };
}
