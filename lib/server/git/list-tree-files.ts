/**
 * Lists the resource files under a gitops path by walking tree objects — no checkout, so a
 * symlink in the repo can never make us read outside it: symlinks and submodules are reported
 * and skipped, never followed. Sizes come from object headers, so an oversized file is
 * reported without being read, and the count / total limits stop the walk early.
 * With a filter (gitops.include / exclude, .sourceignore), a file it leaves out is counted and
 * recorded with its reason, never read, and does not count against the limits.
 */
import type { FileProblem } from "../../engine/types";
import { GitError, MAX_RECORDED_EXCLUSIONS, type ListFilesResult, type ListFilter, type ReadLimits, type TreeFile } from "./git-client";
import { MAX_SOURCE_IGNORE_BYTES, SOURCE_IGNORE_FILE, SourceFilter } from "../../engine/source-filter";
import type { GitObject, GitObjectType } from "./pack-reader";

export interface ObjectSource {
  read(oid: string, expect?: GitObjectType): Promise<GitObject>;
  size(oid: string): Promise<number>;
}

export interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

const RESOURCE_FILE = /\.(json|ya?ml)$/i;

/** the walk's shared state */
interface Walk {
  limits: ReadLimits;
  files: TreeFile[];
  problems: FileProblem[];
  total: number;
  shown: string;
  filter?: ListFilter;
  excluded: { path: string; reason: NonNullable<ReturnType<ListFilter["check"]>> }[];
  excludedCounts: { exclude: number; sourceignore: number; include: number };
}

export async function listTreeFiles(
  objects: ObjectSource,
  rootTree: string,
  gitopsPath: string,
  limits: ReadLimits,
  filter?: ListFilter,
): Promise<ListFilesResult> {
  const segments = normalisePath(gitopsPath);
  const walk: Walk = {
    limits,
    files: [],
    problems: [],
    total: 0,
    shown: `/${segments.join("/")}`,
    filter,
    excluded: [],
    excludedCounts: { exclude: 0, sourceignore: 0, include: 0 },
  };
  const result = (treeOid: string | null): ListFilesResult => {
    walk.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const base = { files: walk.files, problems: walk.problems, pathMissing: false, treeOid };
    return filter ? { ...base, excluded: walk.excluded, excludedCounts: walk.excludedCounts } : base;
  };
  let treeOid = rootTree;
  for (let i = 0; i < segments.length; i++) {
    const entries = parseTree((await objects.read(treeOid, "tree")).data);
    await readIgnoreFile(objects, entries, segments.slice(0, i).join("/"), walk);
    const entry = entries.find((e) => e.name === segments[i]);
    if (!entry) return missing();
    if (entry.mode === "40000") {
      treeOid = entry.oid;
      continue;
    }
    const filePath = segments.slice(0, i + 1).join("/");
    if (i < segments.length - 1) return missing();
    // the path names a single file: list just that one
    await visitEntry(objects, entry, filePath, walk);
    return result(null);
  }

  const queue: Array<{ oid: string; prefix: string }> = [{ oid: treeOid, prefix: segments.join("/") }];
  while (queue.length > 0) {
    const { oid, prefix } = queue.shift()!;
    const entries = parseTree((await objects.read(oid, "tree")).data);
    await readIgnoreFile(objects, entries, prefix, walk);
    for (const entry of entries) {
      const entryPath = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.mode === "40000") queue.push({ oid: entry.oid, prefix: entryPath });
      else await visitEntry(objects, entry, entryPath, walk);
    }
  }
  return result(treeOid);
}

/** Parsed trees by object id, by entry name: one batch of fingerprints reads and parses each tree once. */
export type TreeCache = Map<string, Map<string, TreeEntry>>;

/**
 * The objects that decide a listing of `gitopsPath` (GitClient.pathFingerprint): the
 * `.sourceignore` of the root and of each folder on the way, then the entry at the path
 * (a tree, or one file). Reads only the trees on the way, never the files under the path.
 * `trees`: parsed trees shared by the paths of one batch (a monorepo's 1,000 folders share the
 * root and the folder above them).
 */
export async function pathFingerprint(objects: ObjectSource, rootTree: string, gitopsPath: string, trees: TreeCache = new Map()): Promise<string> {
  const segments = normalisePath(gitopsPath);
  const parts: string[] = [];
  let treeOid = rootTree;
  for (let i = 0; i < segments.length; i++) {
    let entries = trees.get(treeOid);
    if (!entries) {
      entries = new Map();
      for (const e of parseTree((await objects.read(treeOid, "tree")).data)) if (!entries.has(e.name)) entries.set(e.name, e);
      trees.set(treeOid, entries);
    }
    const ignore = entries.get(SOURCE_IGNORE_FILE);
    parts.push(ignore ? `${ignore.mode}:${ignore.oid}` : "-");
    const entry = entries.get(segments[i]!);
    if (!entry) return `${parts.join(",")};missing`;
    if (entry.mode !== "40000" || i === segments.length - 1) {
      if (entry.mode !== "40000" && i < segments.length - 1) return `${parts.join(",")};missing`;
      return `${parts.join(",")};${entry.mode}:${entry.oid}`;
    }
    treeOid = entry.oid;
  }
  return `${parts.join(",")};40000:${treeOid}`;
}

/** hands a folder's .sourceignore (a regular file, bounded) to the filter before the folder's entries */
async function readIgnoreFile(objects: ObjectSource, entries: TreeEntry[], dir: string, walk: Walk): Promise<void> {
  if (!walk.filter) return;
  const entry = entries.find((e) => e.name === SOURCE_IGNORE_FILE);
  if (!entry || (entry.mode !== "100644" && entry.mode !== "100755")) return;
  const path = dir ? `${dir}/${entry.name}` : entry.name;
  const size = await objects.size(entry.oid);
  if (size > MAX_SOURCE_IGNORE_BYTES) {
    walk.problems.push({ path, message: `${SOURCE_IGNORE_FILE} not used: ${formatBytes(size)} is over the limit of ${formatBytes(MAX_SOURCE_IGNORE_BYTES)}` });
    return;
  }
  walk.filter.addIgnoreFile(dir, (await objects.read(entry.oid, "blob")).data.toString("utf8"));
}

async function visitEntry(objects: ObjectSource, entry: TreeEntry, entryPath: string, walk: Walk): Promise<void> {
  const { limits, files, problems, shown, filter } = walk;
  const special = entry.mode === "120000" || entry.mode === "160000";
  if (filter) {
    if (entry.name === SOURCE_IGNORE_FILE) return;
    const reason = filter.check(entryPath);
    // a file the default would not read (README.md, a chart's .tpl) is not counted as excluded;
    // a symlink or submodule left out only by the include globs is still reported, as before
    const plainMiss = reason?.source === "include" && !SourceFilter.isResourceFile(entry.name);
    if (reason && !plainMiss) {
      walk.excludedCounts[reason.source]++;
      if (walk.excluded.length < MAX_RECORDED_EXCLUSIONS) walk.excluded.push({ path: entryPath, reason });
      return;
    }
    if (reason && !special) return;
  }
  if (entry.mode === "120000") {
    problems.push({ path: entryPath, message: "symlink skipped; target not read" });
    return;
  }
  if (entry.mode === "160000") {
    problems.push({ path: entryPath, message: "submodule skipped; its content is not fetched" });
    return;
  }
  if (!filter && !RESOURCE_FILE.test(entry.name)) return;
  if (files.length + 1 > limits.maxFiles) {
    throw new GitError("LIMIT_EXCEEDED", `more than ${limits.maxFiles} files under ${shown} (maxFiles limit is ${limits.maxFiles})`);
  }
  const size = await objects.size(entry.oid);
  if (size > limits.maxFileBytes) {
    problems.push({
      path: entryPath,
      message: `file skipped: ${formatBytes(size)} is over the maxFileBytes limit of ${formatBytes(limits.maxFileBytes)}`,
    });
    return;
  }
  walk.total += size;
  if (walk.total > limits.maxTotalBytes) {
    throw new GitError("LIMIT_EXCEEDED", `files under ${shown} exceed the maxTotalBytes limit of ${formatBytes(limits.maxTotalBytes)} (at ${entryPath})`);
  }
  files.push({ path: entryPath, oid: entry.oid, size });
}

function missing(): ListFilesResult {
  return { files: [], problems: [], pathMissing: true, treeOid: null };
}

/** "/a//b/" → ["a","b"]; ".." is refused rather than resolved */
export function normalisePath(p: string): string[] {
  const segments = p.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw new GitError("NOT_FOUND", `path ${p} must not contain ".."`);
  return segments;
}

/** Raw tree object: repeated `<octal mode> <name>\0<20-byte oid>`. */
export function parseTree(data: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    const nul = data.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > data.length) throw new GitError("INTERNAL", "corrupt tree object");
    entries.push({
      mode: data.toString("latin1", i, space),
      name: data.toString("utf8", space + 1, nul),
      oid: data.toString("hex", nul + 1, nul + 21),
    });
    i = nul + 21;
  }
  return entries;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${n} bytes (${Math.round((n / 1024 / 1024) * 10) / 10} MiB)`;
  if (n >= 1024) return `${n} bytes (${Math.round((n / 1024) * 10) / 10} KiB)`;
  return `${n} bytes`;
}
