/**
 * Wire shapes of comparable history (issue 16): the compare endpoint
 * (GET /definitions/{name}/compare) and the path-filtered commits
 * (GET /definitions/{name}/commits). Read by the server, the dashboard and the CLI.
 */
import type { FileProblem, RunPhase } from "@/lib/engine/types";
import type { DiffChangeView } from "@/lib/api/contract";
import type { ChangeLike } from "@/lib/api/views";

export const COMPARE_MODES = ["desired", "applied"] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];

/** the word that names the current store as a side of a compare */
export const LIVE_REF = "live";

/** One side of a compare: what `from` or `to` resolved to. */
export interface CompareSideView {
  /** as given (a run id or short id, a SHA, a tag, a branch, or "live") */
  ref: string;
  type: "run" | "commit" | "live";
  commit: string | null;
  commitMessage: string | null;
  /** "Name <email>" */
  author: string | null;
  /** author time, ISO 8601 */
  time: string | null;
  run: { id: string; phase: RunPhase; dryRun: boolean; trigger: string; createdAt: string } | null;
}

export interface CompareView {
  definition: string;
  kind: string;
  mode: CompareMode;
  from: CompareSideView;
  to: CompareSideView;
  /** create/update/delete/unchanged/invalid counts, plus fileProblems (of the `to` side) */
  counts: Record<string, number>;
  /** file problems at the `to` commit (desired mode) */
  fileProblems: FileProblem[];
  /** per resource, `from` → `to`; unchanged ones without YAML */
  changes: DiffChangeView[];
}

/** A run that resolved a commit, as the commit list shows it. */
export interface CommitRunRef {
  runId: string;
  at: string;
}

export interface DefinitionCommitView {
  sha: string;
  /** "Name <email>" */
  author: string;
  /** author time, ISO 8601 */
  time: string;
  message: string;
  /** the newest real, succeeded sync of this commit (not a rollback) */
  applied: CommitRunRef | null;
  /** the newest dry run of it */
  dryRun: CommitRunRef | null;
  /** the newest succeeded rollback to it */
  rolledBackTo: CommitRunRef | null;
  /** the definition's store was last synced to this commit */
  current: boolean;
}

export interface DefinitionCommitsView {
  definition: string;
  branch: string;
  path: string;
  items: DefinitionCommitView[];
  /** pass as `cursor` for the next (older) page; null at the end of the history */
  nextCursor: string | null;
  /** commits looked at for this page (the history is walked first-parent) */
  scanned: number;
}

/** The compare page: both sides, counts, the changed resources (capped) and the unchanged names. */
export interface CompareReviewData {
  definition: string;
  mode: CompareMode;
  from: CompareSideView;
  to: CompareSideView;
  counts: Record<string, number>;
  fileProblems: FileProblem[];
  changes: ChangeLike[];
  changedTotal: number;
  unchanged: string[];
  unchangedTotal: number;
}
