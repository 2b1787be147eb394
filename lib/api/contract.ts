/**
 * The JSON shapes /api/v1 answers with: one definition of the wire contract, shared by the
 * server (which builds them), the dashboard's client code and the CLI (which read them).
 * Types, and the run-phase tests from the engine's vocabulary.
 */
import type { ChangeAction, DefinitionSpec, FieldChange, FileProblem, ResourceDoc, RunPhase } from "@/lib/engine/types";
import type { HealthStatus } from "@/lib/engine/vocabulary";
import { FINAL_RUN_PHASES, isActiveRunPhase, type StoredSyncStatus } from "@/lib/engine/vocabulary";
import type { RunOutcome } from "@/lib/engine/run-problems";
import type { DefinitionSyncStatus } from "@/lib/engine/vocabulary";
import type { GitHeadView } from "@/lib/api/git-head";

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface DefinitionView {
  metadata: { name: string };
  spec: DefinitionSpec;
  status: {
    generation: number;
    pinnedRevision: string | null;
    pinnedBy: string | null;
    headCommit: string | null;
    /** the commit the last real sync applied */
    syncedCommit: string | null;
    /** "applied commit is not on <branch>" when that commit is off the branch (issue 19 M1), else null */
    appliedOffBranch: string | null;
    lastRefreshAt: string | null;
    createdAt: string;
    updatedAt: string;
    /** when the last real sync applied syncedCommit */
    lastSyncTime?: string | null;
    /** the suspension reason while automated sync is suspended, else null */
    suspendedReason?: string | null;
    /** in the list (GET /definitions): Synced | OutOfSync | Unknown, as the overview shows it */
    syncStatus?: DefinitionSyncStatus;
    /** in the list: the branch head, how far behind the applied commit is, a Git error with its cause (issue 21) */
    git?: GitHeadView | null;
    /** in the list: the last run's outcome (SucceededWithProblems for a successful run that refused anything) */
    lastRunOutcome?: string | null;
  };
  /** may a sync run now (sync windows, issue 15); on GET /definitions/{name} and the list */
  gate?: GateView;
  /** the open approval request (Pending, Approved or Applying), issue 15 */
  openApproval?: { id: string; state: ApprovalState; approvals: number; required: number } | null;
}

export interface ResourceView extends ResourceDoc {
  metadata: ResourceDoc["metadata"] & { labels: Record<string, string>; annotations: Record<string, string>; generation: number };
  status: {
    gitSync: { lastSyncTime: string | null; lastCommitSHA: string | null; syncError: string };
    /** as of the last sync or refresh; Unknown before either covered the resource */
    syncStatus: StoredSyncStatus;
    drifted: boolean;
    managedBy: string | null;
    sourcePath: string | null;
    sourceLine: number | null;
    /** JSON pointers into spec of values decrypted from SOPS in Git (shown as their masks; cleartext only with ?reveal=true for executor tokens) */
    sopsPaths?: string[];
    /** issue 14: what the definition's health rules say; null when it has none (not assessed) */
    health: ResourceHealthView | null;
    /** the rest of status is what the executor wrote (PUT/PATCH …/status) */
    [executorField: string]: unknown;
  };
}

/** `status.health` of a resource (issue 14). */
export interface ResourceHealthView {
  status: HealthStatus;
  message: string;
  lastTransitionTime: string | null;
}

export interface HealthTransitionView {
  from: HealthStatus | null;
  to: HealthStatus;
  message: string;
  at: string;
}

export interface RunProgressView {
  phase?: string;
  done?: number;
  total?: number;
  message?: string;
}

export interface RunView {
  id: string;
  definition: string;
  trigger: string;
  /** the name at the time ("system" for the scheduler) */
  initiator: string;
  /** the user's id (null for the scheduler); names can change, ids do not */
  initiatorId: string | null;
  /** the API token's id when a token started the run */
  initiatorTokenId: string | null;
  dryRun: boolean;
  prune: boolean;
  requestedRevision: string | null;
  commit: string | null;
  commitMessage: string | null;
  phase: RunPhase;
  /** per action (create, update, …) plus fileProblems and otherKinds */
  counts: Record<string, number>;
  /** invalid resources refused plus files skipped (lib/engine/run-problems.ts); a Succeeded run with problems is "Succeeded with problems" */
  problems: number;
  /** "SucceededWithProblems" for a Succeeded run with problems, else the phase */
  outcome: RunOutcome;
  total: number;
  done: number;
  progress: RunProgressView | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** the approval request this run applied (issue 15) */
  approvalRequestId?: string | null;
  /** a sync with waitForHealthy (issue 14): how the wait ended; null otherwise or while waiting */
  health?: RunHealthView | null;
}

/** The outcome of waitForHealthy: `resources` names the applied resources that were not Healthy. */
export interface RunHealthView {
  outcome: "Healthy" | "Degraded" | "Timeout";
  at: string;
  resources: string[];
}

export interface RunChangeView {
  kind: string;
  namespace: string;
  name: string;
  action: ChangeAction;
  diff: FieldChange[];
  liveYaml: string | null;
  desiredYaml: string | null;
  error: string | null;
  sourcePath: string | null;
  sourceLine: number | null;
}

export interface RunDetailView extends RunView {
  log: string[];
  /** the plan's file problems (first 200): path, line, column, message */
  fileProblems: FileProblem[];
  changes: RunChangeView[];
  changesTotal: number;
}

export interface DiffChangeView extends RunChangeView {
  status: string;
  drifted: boolean;
}

export interface DiffView {
  definition: string;
  /** the definition's kind */
  kind: string;
  revision: string | null;
  commit: string;
  commitMessage: string;
  branch: string;
  branchHead: string | null;
  /** the definition's rollback pin: without an explicit revision the diff is against it */
  pinnedRevision: string | null;
  counts: Record<string, number>;
  pruneWithheld: string | null;
  fileProblems: FileProblem[];
  otherKinds: Record<string, number>;
  /** files left out by gitops.exclude / .sourceignore and resource files matching no gitops.include glob (never read) */
  excludedFiles: { exclude: number; sourceignore: number; include: number };
  /** documents moved to gitops.targetNamespace by forceNamespace */
  movedNamespace: number;
  changes: DiffChangeView[];
}

/** why a file under a definition's path is or is not read (GET /definitions/{name}/source-files?q=) */
export interface SourceFileMatch {
  /** repository path */
  path: string;
  status: "read" | "excluded";
  reason?: { source: "include" | "exclude" | "sourceignore"; pattern: string; file?: string; line?: number };
  /** the reason in words: `gitops.exclude "helm/**"`, `apps/.sourceignore:3 "templates/"` */
  because?: string;
}

export interface SourceFilesView {
  definition: string;
  commit: string;
  path: string;
  query: string;
  matches: SourceFileMatch[];
  /** more files matched than are listed */
  truncated: boolean;
}

export interface AuditEventView {
  id: string;
  at: string;
  actor: string;
  actorType: string;
  /** the user's id (null for the system); names can change, ids do not */
  actorId: string | null;
  tokenId: string | null;
  action: string;
  target: string | null;
  result: string;
  details: unknown;
}

export const FINAL_PHASES: ReadonlySet<string> = new Set(FINAL_RUN_PHASES);

export function isActivePhase(phase: string): boolean {
  return isActiveRunPhase(phase);
}

/** Sync windows (issue 15): open or not, why, and until when (next opening when closed). */
export interface GateView {
  open: boolean;
  reason: string | null;
  until: string | null;
}

export const APPROVAL_STATES = ["Pending", "Approved", "Applying", "Applied", "Rejected", "Stale", "Expired", "Superseded", "Failed"] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

export interface ApprovalVoteView {
  by: string;
  decision: "approve" | "reject";
  comment: string | null;
  at: string;
}

export interface ApprovalRequestView {
  id: string;
  state: ApprovalState;
  definition: string;
  commit: string;
  planHash: string;
  required: number;
  approvals: ApprovalVoteView[];
  rejections: ApprovalVoteView[];
  requestedBy: string;
  trigger: string;
  createdAt: string;
  expiresAt: string | null;
  decidedAt: string | null;
  /** why it is Stale, Rejected, Expired, Superseded, or approved and waiting for a window */
  reason: string | null;
  runId: string | null;
  /** the reviewed plan (GET /approval-requests/{id} only) */
  plan?: DiffView;
}
