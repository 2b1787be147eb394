/**
 * The shapes the dashboard's pages and server actions hand to client components: built by
 * lib/server/views, rendered by components/. Types only (plus the fixed order of status
 * columns); nothing here runs on its own.
 */
import type { DiffView, RunView } from "@/lib/api/contract";

/** A plan's header: the commit it targets and what it would do. */
export type PlanHeader = Pick<DiffView, "commit" | "commitMessage" | "branch" | "branchHead" | "counts" | "pruneWithheld" | "fileProblems">;

/** A sync plan trimmed for a confirmation dialog (built by the plan server action). */
export interface PlanPreview extends PlanHeader {
  changedTotal: number;
  changes: { kind: string; namespace: string; name: string; action: string; liveYaml: string; desiredYaml: string; error: string | null }[];
}

/** What the overview and the definition page know about a definition. */
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
  lastRun: RunView | null;
  activeRun: RunView | null;
}

export const statusKeys = ["Synced", "OutOfSync", "Missing", "Orphaned", "Error"] as const;
