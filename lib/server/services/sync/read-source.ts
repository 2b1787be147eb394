/**
 * Step 1 of the sync pipeline, source: the files under the definition's gitops path at a
 * commit, and a parser for them that keeps parse results by blob SHA (a blob's bytes never
 * change), so an incremental sync parses only the files that changed. The engine's
 * planFromSource calls the parser (lib/engine/pipeline.ts).
 */
import "server-only";
import { parseSourceFile, type ParseResult } from "@/lib/engine/parse";
import type { Definition, FileProblem } from "@/lib/engine/types";
import { DEFAULT_READ_LIMITS, GitError, type CommitInfo, type GitClient, type RepoSource, type TreeFile } from "@/lib/server/git/git-client";
import { AppError } from "@/lib/server/errors";
import { normalizeGitopsPath } from "@/lib/engine/gitops-path";
import { quoteForMessage } from "@/lib/engine/names";
import { processSingleton } from "@/lib/server/runtime/singletons";
import { checkGlob, SourceFilter, type ExclusionReason } from "@/lib/engine/source-filter";

export interface SourceFiles {
  commit: string;
  commitInfo: CommitInfo;
  branchHead?: string;
  files: TreeFile[];
  listingProblems: FileProblem[];
  pathMissing: boolean;
  /** files under the path left out by gitops.include / exclude or a .sourceignore, with the reason (never read) */
  excluded: { path: string; reason: ExclusionReason }[];
  excludedCounts: { exclude: number; sourceignore: number; include: number };
  /** parses a listed file, from the cache when its blob was parsed before */
  parse: (file: TreeFile) => ParseResult;
  /** files parsed so far (not from the cache) */
  parsedFiles(): number;
}

/** Bounded LRU of parse results by blob oid (Map keeps insertion order). */
class ParseCache {
  private map = new Map<string, ParseResult>();
  constructor(private readonly max: number) {}
  get(oid: string): ParseResult | undefined {
    const v = this.map.get(oid);
    if (v) {
      this.map.delete(oid);
      this.map.set(oid, v);
    }
    return v;
  }
  set(oid: string, v: ParseResult): void {
    this.map.set(oid, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

const parseCache = processSingleton("parse-cache", () => new ParseCache(50_000));

export type Progress = (message: string) => void;

export async function readSource(
  git: GitClient,
  src: RepoSource,
  def: Definition,
  target: { commit: string; branchHead?: string },
  progress: Progress = () => undefined,
): Promise<SourceFiles> {
  const gitops = def.spec.gitops;
  if (!gitops) throw new AppError("BAD_REQUEST", `definition ${def.metadata.name} has no gitops section`);
  // Checked again here, not only when the definition is saved: a row written by an older
  // version or by hand must not steer the reader outside the repository.
  const checked = normalizeGitopsPath(gitops.path);
  if (!checked.ok) throw new AppError("SOURCE_ERROR", `gitops.path ${quoteForMessage(gitops.path)} refused: ${checked.reason}`);
  const commitInfo = await git.commitInfo(src, target.commit);
  const listing = await git.listFiles(src, target.commit, checked.path, DEFAULT_READ_LIMITS, sourceFilterFor(def));
  progress(`found ${listing.files.length} resource files under ${checked.path} at ${target.commit.slice(0, 7)}`);
  const excludedCounts = listing.excludedCounts ?? { exclude: 0, sourceignore: 0, include: 0 };
  const left = excludedCounts.exclude + excludedCounts.sourceignore + excludedCounts.include;
  if (left > 0) {
    const parts = [
      excludedCounts.exclude ? `${excludedCounts.exclude} by gitops.exclude` : "",
      excludedCounts.sourceignore ? `${excludedCounts.sourceignore} by .sourceignore` : "",
      excludedCounts.include ? `${excludedCounts.include} matching no gitops.include glob` : "",
    ].filter(Boolean);
    progress(`excluded ${left} files, not read: ${parts.join(", ")}`);
  }

  // this read's results by path: decrypt, prevalidate and the pipeline each ask for every file,
  // and only the first ask touches the shared LRU (its reordering costs more than the lookup)
  const results = new Map<string, ParseResult>();
  const missing: string[] = [];
  for (const f of listing.files) {
    const hit = parseCache.get(f.oid);
    // a result whose problems name another path (the same blob elsewhere) is parsed again here
    if (hit && namesOnly(hit, f.path)) results.set(f.path, hit);
    else missing.push(f.oid);
  }
  const blobs = missing.length > 0 ? await git.readBlobs(src, missing) : new Map<string, Uint8Array>();
  let parsedFiles = 0;
  const parse = (f: TreeFile): ParseResult => {
    let parsed = results.get(f.path);
    if (parsed) return parsed;
    const content = blobs.get(f.oid);
    if (!content) throw new GitError("NOT_FOUND", `blob ${f.oid} of ${f.path} is missing from the object store`);
    parsed = parseSourceFile({ path: f.path, content });
    parsedFiles++;
    // Problems name the file, so a result is kept only when they name this one.
    if (namesOnly(parsed, f.path)) parseCache.set(f.oid, parsed);
    results.set(f.path, parsed);
    return parsed;
  };
  return {
    commit: target.commit,
    branchHead: target.branchHead,
    commitInfo,
    files: listing.files,
    listingProblems: listing.problems,
    pathMissing: listing.pathMissing,
    excluded: listing.excluded ?? [],
    excludedCounts,
    parse,
    parsedFiles: () => parsedFiles,
  };
}

/**
 * The definition's file filter (gitops.include / exclude, .sourceignore). The globs are checked
 * again here, not only when the definition is saved: a row written by hand must fail naming the field.
 */
export function sourceFilterFor(def: Definition): SourceFilter {
  const gitops = def.spec.gitops!;
  for (const field of ["include", "exclude"] as const) {
    const globs = gitops[field] ?? [];
    globs.forEach((g, i) => {
      const e = typeof g === "string" ? checkGlob(g) : "must be a string";
      if (e) throw new AppError("SOURCE_ERROR", `spec.gitops.${field}.${i} ${e}`);
    });
  }
  return new SourceFilter({ path: gitops.path, include: gitops.include, exclude: gitops.exclude });
}

/** a parse result whose problems (if any) all name `path` */
function namesOnly(parsed: ParseResult, path: string): boolean {
  return parsed.problems.length === 0 || parsed.problems.every((p) => p.path === path);
}
