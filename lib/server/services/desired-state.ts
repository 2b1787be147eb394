/**
 * Source → parse → select → validate: what Git says the definition's resources should be
 * at a commit. Parse results are cached by blob SHA (a blob's bytes never change), so an
 * incremental sync parses only the files that changed.
 */
import "server-only";
import { parseSourceFile, type ParseResult } from "@/lib/engine/parse";
import { collectDesired } from "@/lib/engine/collect";
import { compileSpecValidator, validateDesired } from "@/lib/engine/validate";
import type { Definition, DesiredResource, FileProblem } from "@/lib/engine/types";
import { DEFAULT_READ_LIMITS, GitError, type CommitInfo, type GitClient, type RepoSource } from "@/lib/server/git/git-client";
import { AppError } from "@/lib/server/errors";
import { normalizeGitopsPath } from "@/lib/engine/gitops-path";
import { quoteForMessage } from "@/lib/engine/names";

export interface DesiredState {
  commit: string;
  commitInfo: CommitInfo;
  branchHead?: string;
  desired: DesiredResource[];
  fileProblems: FileProblem[];
  otherKinds: Record<string, number>;
  pathMissing: boolean;
  fileCount: number;
  parsedFiles: number;
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

const g = globalThis as unknown as { __synclineParseCache?: ParseCache };
const parseCache = (g.__synclineParseCache ??= new ParseCache(50_000));

export type Progress = (message: string) => void;

export async function resolveCommit(
  git: GitClient,
  src: RepoSource,
  branch: string,
  revision: string | undefined,
): Promise<{ commit: string; branchHead?: string }> {
  return git.fetchRevision(src, { branch, revision });
}

export async function loadDesiredState(
  git: GitClient,
  src: RepoSource,
  def: Definition,
  target: { commit: string; branchHead?: string },
  progress: Progress = () => undefined,
): Promise<DesiredState> {
  const gitops = def.spec.gitops;
  if (!gitops) throw new AppError("BAD_REQUEST", `definition ${def.metadata.name} has no gitops section`);
  // Checked again here, not only when the definition is saved: a row written by an older
  // version or by hand must not steer the reader outside the repository.
  const checked = normalizeGitopsPath(gitops.path);
  if (!checked.ok) throw new AppError("SOURCE_ERROR", `gitops.path ${quoteForMessage(gitops.path)} refused: ${checked.reason}`);
  const commitInfo = await git.commitInfo(src, target.commit);
  const listing = await git.listFiles(src, target.commit, checked.path, DEFAULT_READ_LIMITS);
  progress(`found ${listing.files.length} resource files under ${checked.path} at ${target.commit.slice(0, 7)}`);

  const missing = listing.files.filter((f) => !parseCache.get(f.oid)).map((f) => f.oid);
  const blobs = missing.length > 0 ? await git.readBlobs(src, missing) : new Map<string, Uint8Array>();
  let parsedFiles = 0;
  const files: { path: string; docs: ParseResult["docs"] }[] = [];
  const fileProblems: FileProblem[] = [...listing.problems];
  for (const f of listing.files) {
    let parsed = parseCache.get(f.oid);
    if (!parsed) {
      const content = blobs.get(f.oid);
      if (!content) throw new GitError("NOT_FOUND", `blob ${f.oid} of ${f.path} is missing from the object store`);
      // Problems name the file, so the cache key is the blob and the path together.
      parsed = parseSourceFile({ path: f.path, content });
      parsedFiles++;
    }
    if (parsed.problems.length === 0 || parsed.problems.every((p) => p.path === f.path)) parseCache.set(f.oid, parsed);
    files.push({ path: f.path, docs: parsed.docs });
    for (const p of parsed.problems) fileProblems.push(p.path === f.path ? p : { ...p, path: f.path });
  }
  if (parsedFiles > 0) progress(`parsed ${parsedFiles} changed files (${listing.files.length - parsedFiles} from cache)`);

  const collected = collectDesired(files, { kind: def.spec.names.kind, scope: def.spec.scope });
  const compiled = compileSpecValidator(def.spec.schema);
  if (!compiled.ok) throw new AppError("SOURCE_ERROR", `the definition's schema does not compile: ${compiled.errors.join("; ")}`);
  const desired = validateDesired(collected.desired, compiled.validate);
  return {
    commit: target.commit,
    branchHead: target.branchHead,
    commitInfo,
    desired,
    fileProblems: [...fileProblems, ...collected.problems],
    otherKinds: collected.otherKinds,
    pathMissing: listing.pathMissing,
    fileCount: listing.files.length,
    parsedFiles,
  };
}
