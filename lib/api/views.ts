/**
 * The shapes the dashboard's pages and server actions hand to client components: built by
 * lib/server/views, rendered by components/. Types only (plus the fixed order of status
 * columns); nothing here runs on its own.
 */
import type { DefinitionView, DiffView, GateView, RunView } from "@/lib/api/contract";
import type { DefinitionSyncStatus, StoredSyncStatus } from "@/lib/engine/vocabulary";
import type { GitHeadView } from "@/lib/api/git-head";

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
  gitops: {
    repoURL: string;
    branch: string;
    path: string;
    targetNamespace?: string;
    forceNamespace?: boolean;
    include?: string[];
    exclude?: string[];
  } | null;
  automated: boolean;
  production: boolean;
  pinnedRevision: string | null;
  pinnedBy: string | null;
  suspendedReason: string | null;
  headCommit: string | null;
  syncedCommit: string | null;
  /** "applied commit is not on <branch>" when the applied commit was off the branch (issue 19 M1), else null */
  appliedOffBranch: string | null;
  lastRefreshAt: string | null;
  status: DefinitionSyncStatus;
  /** stored statuses per resource, Missing (in Git only, from the last plan) and drift */
  counts: Record<StoredSyncStatus | "Missing" | "drifted", number>;
  total: number;
  lastRun: RunView | null;
  activeRun: RunView | null;
  /** issue 14: the worst health of its resources and the counts; health null: no rules (not assessed) */
  health?: { status: string | null; counts: Record<string, number> };
  /** issue 15: sync windows (a person's view) and the open approval request */
  gate?: GateView;
  openApproval?: DefinitionView["openApproval"];
  /** Git's head, when it was checked, how far behind the applied commit is, a Git error with its cause (issue 21) */
  git: GitHeadView | null;
}

/** the status columns the overview shows, in order */
export { RESOURCE_SYNC_STATUSES as statusKeys } from "@/lib/engine/vocabulary";

/** The resources table's query, read from the page's URL. */
export interface ResourceQuery {
  q: string;
  /** a stored status, "drifted" or "" for all */
  status: string;
  /** issue 14: a health value, "None" (not assessed) or "" for all */
  health?: string;
  sort: "name" | "namespace" | "status" | "health" | "synced" | "source";
  dir: "asc" | "desc";
  /** 1-based page number */
  page: number;
  /** rows per page (one of RESOURCE_PAGE_SIZES) */
  size: number;
  /** exact namespace, or null for all */
  ns: string | null;
  /** a Kubernetes label selector ("app=web,tier!=db"), "" for none */
  labels: string;
}

/** The page sizes the resources table offers. */
export const RESOURCE_PAGE_SIZES = [25, 50, 100, 200] as const;

export interface ResourceListRow {
  namespace: string;
  name: string;
  syncStatus: string;
  drifted: boolean;
  lastSyncTime: string | null;
  lastCommitSHA: string | null;
  syncError: string | null;
  sourcePath: string | null;
  sourceLine: number | null;
  /** issue 14: null when the definition has no health rules */
  health: string | null;
  healthMessage: string | null;
}

export interface ResourceListPage {
  rows: ResourceListRow[];
  total: number;
  /** number of pages for `total` at the query's page size (at least 1) */
  pages: number;
  /** the label selector could not be parsed: why */
  labelError: string | null;
}

/** An earlier applied commit the Rollback… dialog offers. */
export interface RollbackTarget {
  commit: string;
  message: string | null;
  at: string | null;
  trigger: string;
  initiator: string;
}

export interface Suspension {
  reason: string;
  until: string | null;
  by: string | null;
}

export interface WebhookPanelInfo {
  urls: Record<string, string>;
  signatureHeaders: Record<string, string>;
  secretName: string;
  usesGlobalSecret: boolean;
  secretConfigured: boolean;
  branch: string | null;
}

/** Everything the definition page shows, from one view call. */
export interface DefinitionPageData {
  summary: DefinitionSummary;
  query: ResourceQuery;
  page: ResourceListPage;
  rollbackTargets: RollbackTarget[];
  suspension: Suspension | null;
  webhook: WebhookPanelInfo | null;
}

/** One change as the diff views render it. */
export interface ChangeLike {
  kind: string;
  namespace: string;
  name: string;
  action: string;
  liveYaml: string | null;
  desiredYaml: string | null;
  error: string | null;
  drifted?: boolean;
  sourcePath?: string | null;
  sourceLine?: number | null;
}

/** The diff page: the plan's header, the changed resources (capped) and the unchanged names. */
export interface DiffReviewData extends PlanHeader {
  definition: string;
  requestedRevision: string | null;
  pinnedRevision: string | null;
  changes: ChangeLike[];
  changedTotal: number;
  unchanged: string[];
  unchangedTotal: number;
}

/** The resource page: the stored side, the Git side and the runs that touched it. */
/** Issue 14: the resource page's status and health panel. */
export interface ResourceHealthPanel {
  /** null: the definition has no health rules (not assessed) */
  health: string | null;
  message: string | null;
  lastTransitionTime: string | null;
  /** what the executor wrote, as YAML ("" when nothing yet) */
  statusYaml: string;
  observedGeneration: number | null;
  statusUpdatedAt: string | null;
  transitions: { from: string | null; to: string; message: string; at: string }[];
}

export interface ResourceDetailData {
  /** issue 14: status and health (absent while the resource is only in Git) */
  healthPanel?: ResourceHealthPanel | null;
  definition: string;
  /** the definition is marked production: one-resource actions need its name typed */
  production: boolean;
  kind: string;
  namespace: string;
  name: string;
  live: {
    yaml: string;
    syncStatus: string;
    drifted: boolean;
    managedBy: string | null;
    generation: number;
    lastSyncTime: string | null;
    lastCommitSHA: string | null;
    syncError: string | null;
    sourcePath: string | null;
    sourceLine: number | null;
    updatedAt: string;
    /** SOPS-managed fields (decrypted from Git, sealed in the store): spec path and the mask shown for it */
    sopsFields: { path: string; fingerprint: string }[];
  } | null;
  git: {
    yaml: string;
    /** a planned action, or "absent" when Git no longer has the resource */
    action: string;
    status: string;
    error: string | null;
    commit: string | null;
    sourcePath: string | null;
    sourceLine: number | null;
  } | null;
  gitError: string | null;
  runs: { runId: string; at: string; phase: string; trigger: string; dryRun: boolean; commit: string | null; action: string; error: string | null }[];
}

/** One of Syncline's trusted SSH host keys, as the API answers it (services/ssh-known-hosts.ts, the admin page, the CLI). */
export interface SshKnownHostView {
  id: string;
  host: string;
  port: number;
  keyType: string;
  key: string;
  fingerprint: string;
  addedBy: string;
  createdAt: string;
}
