/**
 * Domain vocabulary for Syncline, defined once. Everything in lib/engine is pure:
 * it receives file contents and stored state as plain data and returns plans as data.
 * No next, react, prisma, isomorphic-git or node:fs imports anywhere under lib/engine.
 */
import type { HealthRules } from "./health";
import type { ApprovalSpec, SyncWindow } from "./sync-windows";
import type { ChangeAction, ResourceSyncStatus } from "./vocabulary";

export type Scope = "Namespaced" | "Cluster";

export interface GitOpsSpec {
  repoURL: string;
  branch: string; // default "main"
  path: string; // normalised, always starts with "/", default "/"
  secretName?: string;
  /** named "webhook" secret that signs pushes for this definition; default: the secret named "webhook" */
  webhookSecretName?: string;
  interval: number; // seconds, default 300
  /** operators may sync revisions that are not on `branch` (default: admins only) */
  allowAnyRevision?: boolean;
  /** Flux's name: the namespace a document of a Namespaced kind without metadata.namespace gets */
  targetNamespace?: string;
  /** with targetNamespace: every document goes there, whatever it says (Flux semantics) */
  forceNamespace?: boolean;
  /** globs relative to `path` of the files to read; default ["**\/*.{json,yaml,yml}"] */
  include?: string[];
  /** globs relative to `path` of files never read (Argo CD's directory.exclude) */
  exclude?: string[];
  /** SOPS-encrypted documents are decrypted with the age identities of this `sops-age` secret (Flux's naming) */
  decryption?: { provider: "sops"; secretName: string };
}

export interface SyncPolicy {
  automated: boolean;
  prune: boolean;
  selfHeal: boolean;
  /** any invalid file fails the whole run and nothing is applied */
  atomic: boolean;
  /** allow prune when the desired set is empty */
  allowEmpty: boolean;
  /** issue 14: an automated sync of a new commit waits while the definition is Degraded */
  requireHealthy?: boolean;
}

/** The seed's ResourceDefinition JSON, with defaults filled in. */
export interface DefinitionSpec {
  group: string;
  version: string;
  names: { kind: string; plural: string; singular?: string };
  scope: Scope;
  handler?: { executorType?: string; functionName?: string } & Record<string, unknown>;
  schema?: Record<string, unknown>;
  gitops?: GitOpsSpec;
  syncPolicy: SyncPolicy;
  /** production definitions need the name typed to confirm a sync */
  production?: boolean;
  /** JSON pointers into spec whose values are masked in diffs, runs, API answers and logs */
  secretPaths?: string[];
  /** CEL health rules (issue 14, lib/engine/health.ts) */
  health?: HealthRules;
  /** when syncs may run (issue 15, engine/sync-windows.ts) */
  syncWindows?: SyncWindow[];
  /** four-eyes: a sync becomes an approval request needing `required` approvals (issue 15) */
  approval?: ApprovalSpec;
}

export interface Definition {
  metadata: { name: string };
  spec: DefinitionSpec;
}

/** (kind, namespace, name); namespace is "" for Cluster-scoped resources. */
export interface ResourceKey {
  kind: string;
  namespace: string;
  name: string;
}

export interface GitSyncStatus {
  lastSyncTime: string | null;
  lastCommitSHA: string | null;
  syncError: string;
}

/** The seed's resource shape, as the API and the CLI show it. */
export interface ResourceDoc {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    generation?: number;
  };
  spec: unknown;
  status?: { gitSync: GitSyncStatus };
}

/** A problem tied to a place in a file. line/column are 1-based when known. */
export interface FileProblem {
  path: string;
  line?: number;
  column?: number;
  message: string;
}

/** One document of the definition's kind found in Git. */
export interface DesiredResource {
  key: ResourceKey;
  doc: ResourceDoc;
  sourcePath: string;
  sourceLine: number;
  /** set when the document is of our kind but unusable (missing name, schema errors, duplicate) */
  error?: string;
  /** JSON pointers into spec of the values that were SOPS-encrypted in Git (secret paths of this resource) */
  secretPaths?: string[];
  /**
   * set by the server's seal step for a decrypted document: `doc.spec` then holds masks at
   * `secretPaths` and this is the sealed (encrypted at rest) map pointer → cleartext
   */
  sealed?: string;
}

/** A resource as stored. */
export interface LiveResource {
  key: ResourceKey;
  spec: unknown;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generation: number;
  managedBy: string | null;
  appliedSpecHash: string | null;
  liveSpecHash: string;
  lastCommitSHA: string | null;
  lastSyncTime: string | null;
  syncError: string | null;
  sourcePath: string | null;
}

// the status vocabularies (arrays and types) live in vocabulary.ts
export type { ChangeAction, DefinitionSyncStatus, ResourceSyncStatus, RunPhase, RunTrigger, StoredSyncStatus } from "./vocabulary";

export interface FieldChange {
  /** JSON pointer, e.g. /spec/replicas */
  path: string;
  op: "added" | "modified" | "removed";
  old?: unknown;
  new?: unknown;
  /** a secret value (masked on both sides) changed: "changed (fingerprint a → b)" */
  note?: string;
}

export interface PlannedChange {
  key: ResourceKey;
  action: ChangeAction;
  /** status of the resource before applying */
  status: ResourceSyncStatus;
  drifted: boolean;
  diff: FieldChange[];
  /** canonical YAML of both sides for a side-by-side view ("" when absent) */
  liveYaml: string;
  desiredYaml: string;
  error?: string;
  sourcePath?: string;
  sourceLine?: number;
  /** the desired document to write, for create/update */
  desired?: DesiredResource;
  /** the desired document as it may be shown or recorded (the plan's mask applied) */
  readonly shownDoc?: ResourceDoc;
  /** the live side as it may be shown or recorded (the same document liveYaml renders) */
  readonly shownLive?: ResourceDoc;
}

export type ActionCounts = Record<ChangeAction, number>;

export interface Plan {
  changes: PlannedChange[];
  counts: ActionCounts;
  /** file-level problems (parse errors, symlinks, limits) */
  fileProblems: FileProblem[];
  /** documents of other kinds found under the path, by kind */
  otherKinds: Record<string, number>;
  /** documents of our kind whose own metadata.namespace was replaced (gitops.forceNamespace) */
  movedNamespace?: number;
  /** true when atomic policy and any invalid → nothing may be applied */
  blocked: boolean;
  /** why prune was withheld, when it was requested but not safe */
  pruneWithheld?: string;
}
