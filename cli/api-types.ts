/**
 * The JSON shapes /api/v1 answers with, as the CLI reads them. Kept here (not imported from
 * lib/server) because the CLI is an HTTP client: these describe the wire, not the server code.
 */
import type { ChangeAction, DefinitionSpec, FieldChange, FileProblem, ResourceDoc, RunPhase } from "@/lib/engine/types";

export interface DefinitionView {
  metadata: { name: string };
  spec: DefinitionSpec;
  status: {
    generation: number;
    pinnedRevision: string | null;
    pinnedBy: string | null;
    headCommit: string | null;
    lastRefreshAt: string | null;
    createdAt: string;
    updatedAt: string;
  };
}

export interface ResourceView extends ResourceDoc {
  metadata: ResourceDoc["metadata"] & { labels: Record<string, string>; annotations: Record<string, string>; generation: number };
  status: {
    gitSync: { lastSyncTime: string | null; lastCommitSHA: string | null; syncError: string };
    drifted: boolean;
    managedBy: string | null;
    sourcePath: string | null;
    sourceLine: number | null;
    /** not sent by the server today; used when it is */
    syncStatus?: string;
  };
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

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
  phase: RunPhase;
  counts: Partial<Record<ChangeAction, number>>;
  total: number;
  done: number;
  progress: { phase?: string; done?: number; total?: number; message?: string } | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface RunChangeView {
  kind: string;
  namespace: string;
  name: string;
  action: ChangeAction;
  diff: FieldChange[];
  liveYaml: string;
  desiredYaml: string;
  error: string | null;
  sourcePath: string | null;
  sourceLine: number | null;
}

export interface RunDetailView extends RunView {
  log: string[];
  changes: RunChangeView[];
  changesTotal: number;
}

export interface DiffChangeView extends RunChangeView {
  status: string;
  drifted: boolean;
}

export interface DiffView {
  definition: string;
  revision: string | null;
  commit: string;
  commitMessage: string;
  branch: string;
  branchHead: string | null;
  counts: Partial<Record<ChangeAction, number>> & { fileProblems?: number; otherKinds?: number };
  pruneWithheld: string | null;
  fileProblems: FileProblem[];
  otherKinds: Record<string, number>;
  changes: DiffChangeView[];
}

export const FINAL_PHASES: ReadonlySet<string> = new Set(["Succeeded", "Failed", "Interrupted"]);
