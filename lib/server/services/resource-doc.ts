/** Maps a stored Resource row to the seed's shape `{kind, metadata, spec, status: {gitSync}}`. */
import type { ResourceRow } from "@/lib/server/data/resources";
import type { ResourceView } from "@/lib/api/contract";

export type { ResourceView };

export function isDrifted(r: Pick<ResourceRow, "appliedSpecHash" | "liveSpecHash">): boolean {
  return r.appliedSpecHash !== null && r.appliedSpecHash !== r.liveSpecHash;
}

export function toResourceView(r: ResourceRow): ResourceView {
  return {
    kind: r.kind,
    metadata: {
      name: r.name,
      ...(r.namespace ? { namespace: r.namespace } : {}),
      labels: (r.labels ?? {}) as Record<string, string>,
      annotations: (r.annotations ?? {}) as Record<string, string>,
      generation: r.generation,
    },
    spec: r.spec,
    status: {
      gitSync: {
        lastSyncTime: r.lastSyncTime ? r.lastSyncTime.toISOString() : null,
        lastCommitSHA: r.lastCommitSHA,
        syncError: r.syncError ?? "",
      },
      syncStatus: r.syncStatus,
      drifted: isDrifted(r),
      managedBy: r.managedBy,
      sourcePath: r.sourcePath,
      sourceLine: r.sourceLine,
    },
  };
}
