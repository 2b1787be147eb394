/**
 * The Git port. Services talk to this interface only, so the object reader behind it can be
 * swapped (isomorphic-git today, a faster packfile reader or native git later) without touching
 * sync, diff or rollback code. Every failure a user can cause comes out as a GitError with a
 * stable code; messages never carry credentials.
 */
import type { FileProblem } from "../../engine/types";
import type { ExclusionReason } from "../../engine/source-filter";

export interface RepoAuth {
  username: string;
  password: string;
}

export interface RepoSource {
  repoURL: string;
  auth?: RepoAuth;
  /** the private key (and known_hosts) of a git-ssh secret, for ssh:// and user@host:path URLs */
  ssh?: SshCredentials;
  /** Syncline's trusted SSH host keys (the admin's list); with the secret's knownHosts, the only keys accepted */
  trustedHostKeys?: TrustedHostKey[];
}

export interface SshCredentials {
  privateKey: string;
  passphrase?: string;
  /** OpenSSH known_hosts text */
  knownHosts?: string;
}

export interface TrustedHostKey {
  host: string;
  port: number;
  /** "<type> <base64>" */
  key: string;
}

export interface ReadLimits {
  maxFileBytes: number;
  maxTotalBytes: number;
  maxFiles: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  maxFiles: 20_000,
};

/** A blob found under the gitops path; `path` is repo-relative with no leading slash. */
export interface TreeFile {
  path: string;
  oid: string;
  size: number;
}

export interface CommitInfo {
  sha: string;
  message: string;
  /** "Name <email>" */
  author: string;
  /** author time, ISO 8601 */
  time: string;
}

export interface ListFilesResult {
  files: TreeFile[];
  problems: FileProblem[];
  /** the path does not exist at that commit (a sync must not prune on this) */
  pathMissing: boolean;
  /** oid of the tree at `path`, to skip work when it did not change; null when missing */
  treeOid: string | null;
  /** with a filter: files left out and why (the first MAX_RECORDED_EXCLUSIONS; the counts are exact) */
  excluded?: { path: string; reason: ExclusionReason }[];
  /** with a filter: files left out by gitops.exclude / .sourceignore, and resource files matching no gitops.include glob */
  excludedCounts?: { exclude: number; sourceignore: number; include: number };
}

export const MAX_RECORDED_EXCLUSIONS = 20_000;

/**
 * What a listing keeps (lib/engine/source-filter.ts SourceFilter): the listing hands it each
 * `.sourceignore` it meets (a folder's before the folder's entries) and asks about each file.
 */
export interface ListFilter {
  addIgnoreFile(dir: string, text: string): void;
  check(path: string): ExclusionReason | null;
}

export interface RevisionTarget {
  branch: string;
  revision?: string;
  /** default true; false: never fetch or deepen for `revision` (callers without the operator role) */
  fetchMissing?: boolean;
  checkOnBranch?: boolean;
  /**
   * Without `revision`: the branch head its caller resolved a moment ago (a sync's "anything to
   * do?" check, the scheduler's refresh). The fetch plans it without asking the remote again.
   */
  branchHead?: string;
}

export interface FetchedRevision {
  commit: string;
  branchHead?: string;
  /** with `checkOnBranch`: the commit is the branch head or one of its ancestors */
  onBranch?: boolean;
}

export interface GitClient {
  /** ask the remote for a branch head without fetching objects (cheap) */
  resolveBranchHead(src: RepoSource, branch: string): Promise<string>;
  /**
   * make sure `target` (branch name, tag, or full/short commit SHA) is available locally; returns the commit SHA.
   * `fetchMissing: false`: a revision not already in the local store fails (REVISION_NOT_FOUND) without fetching
   * or deepening history for it (the branch itself is still kept current).
   * `checkOnBranch`: also answer whether the commit is reachable from the branch head (`onBranch`), deepening a
   * shallow store as needed, within a bound (LIMIT_EXCEEDED past it).
   */
  fetchRevision(src: RepoSource, target: RevisionTarget): Promise<FetchedRevision>;
  /** list *.json|*.yaml|*.yml blobs (or what `filter` keeps, with `.sourceignore` files honoured) under `path` (gitops path like "/resources" or "/") at `commit`, without checkout */
  listFiles(src: RepoSource, commit: string, path: string, limits: ReadLimits, filter?: ListFilter): Promise<ListFilesResult>;
  readBlobs(src: RepoSource, oids: string[]): Promise<Map<string, Uint8Array>>;
  /**
   * What decides a listing of `path` at `commit`, as one string: the tree (or file) object at
   * the path and every `.sourceignore` on the way to it. Equal fingerprints at two commits: the
   * definition reads the same files. Local objects only; null when the commit is not in the store.
   */
  pathFingerprint(src: RepoSource, commit: string, path: string): Promise<string | null>;
  /** `pathFingerprint` of many paths at one commit, each tree on the way read once (path → fingerprint); null when the commit is not in the store */
  pathFingerprints(src: RepoSource, commit: string, paths: string[]): Promise<Map<string, string> | null>;
  commitInfo(src: RepoSource, commit: string): Promise<CommitInfo>;
  /** up to `depth` commits from `ref`, newest first (deepens a shallow store when needed) */
  log(src: RepoSource, ref: string, depth: number): Promise<CommitInfo[]>;
  /** per commit (all in the store), the object id at `path` (gitops path), null where nothing is there (git/path-tree-oid.ts) */
  pathTreeOids(src: RepoSource, commits: string[], path: string): Promise<Map<string, string | null>>;
}

export type GitErrorCode =
  | "UNSUPPORTED_URL"
  | "URL_REFUSED"
  | "AUTH_FAILED"
  | "NOT_FOUND"
  | "REVISION_NOT_FOUND"
  | "BRANCH_NOT_FOUND"
  | "LIMIT_EXCEEDED"
  | "TIMEOUT"
  | "NETWORK"
  | "SSH_HOST_KEY_UNKNOWN"
  | "SSH_HOST_KEY_MISMATCH"
  | "SSH_AUTH_FAILED"
  | "INTERNAL";

export class GitError extends Error {
  constructor(
    readonly code: GitErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "GitError";
  }
}

/**
 * By name as well as by class: Next may load this module in several bundles of one process, and
 * the Git client (a process singleton) throws the class of whichever bundle created it first.
 */
export function isGitError(err: unknown, code?: GitErrorCode): err is GitError {
  const named = err instanceof GitError || (err instanceof Error && err.name === "GitError" && typeof (err as { code?: unknown }).code === "string");
  return named && (code === undefined || (err as GitError).code === code);
}
