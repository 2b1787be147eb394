import type { RunSummary } from "@/lib/client/run-types";

/** What the overview and the definition page know about a definition (built by the page). */
export interface DefinitionSummary {
  name: string;
  kind: string;
  gitops: { repoURL: string; branch: string; path: string } | null;
  automated: boolean;
  production: boolean;
  pinnedRevision: string | null;
  pinnedBy: string | null;
  suspendedReason: string | null;
  headCommit: string | null;
  syncedCommit: string | null;
  lastRefreshAt: string | null;
  status: "Synced" | "OutOfSync" | "Unknown";
  counts: { Synced: number; OutOfSync: number; Missing: number; Orphaned: number; Error: number; Unknown: number; drifted: number };
  total: number;
  lastRun: RunSummary | null;
  activeRun: RunSummary | null;
}

export const statusKeys = ["Synced", "OutOfSync", "Missing", "Orphaned", "Error"] as const;
