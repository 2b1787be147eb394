/**
 * Which files under a definition's gitops path are read: `gitops.include` / `gitops.exclude`
 * (globs relative to the path, Argo CD's directory.include/exclude, matched by picomatch) and
 * `.sourceignore` files (Flux's convention, .gitignore syntax, matched by the `ignore` package)
 * at the repository root, in the folders leading to the path and under it. A file left out is
 * never read or parsed; the listing records why, so a user can ask "why is my file not synced".
 */
import picomatch from "picomatch";
import ignore, { type Ignore } from "ignore";

export const DEFAULT_INCLUDE = ["**/*.{json,yaml,yml}"] as const;
export const SOURCE_IGNORE_FILE = ".sourceignore";
/** a .sourceignore larger than this is reported and not used */
export const MAX_SOURCE_IGNORE_BYTES = 64 * 1024;
export const MAX_GLOBS = 50;
export const MAX_GLOB_LENGTH = 256;

const GLOB_OPTIONS = { dot: true, strictBrackets: true } as const;

/** why a file was left out */
export interface ExclusionReason {
  source: "include" | "exclude" | "sourceignore";
  /** the glob or the .sourceignore line that decided ("" for "matched no include glob") */
  pattern: string;
  /** for sourceignore: the ignore file (repository path, e.g. "apps/.sourceignore") and its 1-based line */
  file?: string;
  line?: number;
}

/** Error for one glob, or undefined when it compiles. */
export function checkGlob(glob: string): string | undefined {
  if (glob === "") return "must not be empty";
  if (glob.length > MAX_GLOB_LENGTH) return `is longer than ${MAX_GLOB_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(glob)) return "contains control characters";
  if (glob.startsWith("/")) return `${JSON.stringify(glob)} must be relative to gitops.path (no leading "/")`;
  if (glob.split("/").includes("..")) return `${JSON.stringify(glob)} must not contain ".."`;
  let depth = 0;
  for (const ch of glob.replace(/\\./g, "")) {
    if (ch === "{") depth++;
    else if (ch === "}" && --depth < 0) break;
  }
  if (depth !== 0) return `${JSON.stringify(glob)} is not a valid glob: unbalanced "{" / "}"`;
  try {
    const re = picomatch.makeRe(glob, GLOB_OPTIONS);
    if (re.source === "$^") return `${JSON.stringify(glob)} is not a valid glob`;
  } catch (err) {
    return `${JSON.stringify(glob)} is not a valid glob: ${(err as Error).message}`;
  }
  return undefined;
}

interface IgnoreFile {
  /** repository folder holding the file, "" for the root */
  dir: string;
  path: string;
  lines: string[];
  matcher: Ignore;
}

/**
 * Decides, file by file, what a listing keeps. The listing feeds it the `.sourceignore` files it
 * meets (a folder's before its entries), then asks about each file.
 */
export class SourceFilter {
  private readonly include: { glob: string; match: (p: string) => boolean }[];
  private readonly exclude: { glob: string; match: (p: string) => boolean }[];
  private readonly ignoreFiles: IgnoreFile[] = [];
  /** the gitops path without slashes ("" for the root) */
  private readonly base: string;

  constructor(opts: { path: string; include?: readonly string[]; exclude?: readonly string[] }) {
    this.base = opts.path.split("/").filter(Boolean).join("/");
    const compile = (glob: string) => ({ glob, match: picomatch(glob, GLOB_OPTIONS) });
    // the default is the extension rule files were always read by (any case: "A.YAML" too)
    this.include =
      opts.include && opts.include.length > 0
        ? opts.include.map(compile)
        : [{ glob: DEFAULT_INCLUDE[0], match: (p: string) => SourceFilter.isResourceFile(p) }];
    this.exclude = (opts.exclude ?? []).map(compile);
  }

  /** Adds a `.sourceignore` found in repository folder `dir` ("" = root). */
  addIgnoreFile(dir: string, text: string): void {
    const path = dir ? `${dir}/${SOURCE_IGNORE_FILE}` : SOURCE_IGNORE_FILE;
    if (this.ignoreFiles.some((f) => f.path === path)) return;
    const lines = text.split(/\r?\n/);
    this.ignoreFiles.push({ dir, path, lines, matcher: ignore().add(lines) });
  }

  /** The path relative to the gitops path (a file named by the path itself: its base name). */
  relative(repoPath: string): string {
    if (this.base === "") return repoPath;
    if (repoPath === this.base) return repoPath.slice(repoPath.lastIndexOf("/") + 1);
    return repoPath.startsWith(`${this.base}/`) ? repoPath.slice(this.base.length + 1) : repoPath;
  }

  /** Why `repoPath` (a file, repository-relative) is left out, or null when it is read. */
  check(repoPath: string): ExclusionReason | null {
    const rel = this.relative(repoPath);
    if (!this.include.some((g) => g.match(rel))) return { source: "include", pattern: "" };
    const ex = this.exclude.find((g) => g.match(rel));
    if (ex) return { source: "exclude", pattern: ex.glob };
    // .gitignore precedence: a deeper file overrides a shallower one
    let verdict: ExclusionReason | null = null;
    for (const f of this.ignoreFiles) {
      if (f.dir !== "" && !repoPath.startsWith(`${f.dir}/`)) continue;
      let r: ReturnType<Ignore["test"]>;
      try {
        r = f.matcher.test(f.dir === "" ? repoPath : repoPath.slice(f.dir.length + 1));
      } catch {
        continue; // a name the ignore package refuses (a crafted tree's ".."): no rule applies to it
      }
      if (r.ignored) {
        const pattern = r.rule?.pattern ?? "";
        const idx = f.lines.findIndex((l) => l.trim() === pattern.trim());
        verdict = { source: "sourceignore", pattern, file: f.path, line: idx >= 0 ? idx + 1 : undefined };
      } else if (r.unignored) verdict = null;
    }
    return verdict;
  }

  /** true when a file of this name would be read by default (counted as "excluded" when left out otherwise) */
  static isResourceFile(name: string): boolean {
    return /\.(json|ya?ml)$/i.test(name);
  }
}

/** "exclude \"helm/**\"", ".sourceignore apps/.sourceignore:3 \"templates/\"" */
export function describeExclusion(r: ExclusionReason): string {
  if (r.source === "include") return "matches no gitops.include glob";
  if (r.source === "exclude") return `gitops.exclude ${JSON.stringify(r.pattern)}`;
  return `${r.file}${r.line ? `:${r.line}` : ""} ${JSON.stringify(r.pattern)}`;
}
