/**
 * Lists the resource files under a gitops path by walking tree objects — no checkout, so a
 * symlink in the repo can never make us read outside it: symlinks and submodules are reported
 * and skipped, never followed. Sizes come from object headers, so an oversized file is
 * reported without being read, and the count / total limits stop the walk early.
 */
import type { FileProblem } from "../../engine/types";
import { GitError, type ListFilesResult, type ReadLimits, type TreeFile } from "./git-client";
import type { GitObject, GitObjectType } from "./pack-reader";

export interface ObjectSource {
  read(oid: string, expect?: GitObjectType): Promise<GitObject>;
  size(oid: string): Promise<number>;
}

interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

const RESOURCE_FILE = /\.(json|ya?ml)$/i;

export async function listTreeFiles(objects: ObjectSource, rootTree: string, gitopsPath: string, limits: ReadLimits): Promise<ListFilesResult> {
  const segments = normalisePath(gitopsPath);
  const shown = `/${segments.join("/")}`;
  let treeOid = rootTree;
  for (let i = 0; i < segments.length; i++) {
    const entry = parseTree((await objects.read(treeOid, "tree")).data).find((e) => e.name === segments[i]);
    if (!entry) return missing();
    if (entry.mode === "40000") {
      treeOid = entry.oid;
      continue;
    }
    const filePath = segments.slice(0, i + 1).join("/");
    if (i < segments.length - 1) return missing();
    // the path names a single file: list just that one
    const problems: FileProblem[] = [];
    const files: TreeFile[] = [];
    await visitEntry(objects, entry, filePath, limits, files, problems, { total: 0 }, shown);
    return { files, problems, pathMissing: false, treeOid: null };
  }

  const files: TreeFile[] = [];
  const problems: FileProblem[] = [];
  const totals = { total: 0 };
  const queue: Array<{ oid: string; prefix: string }> = [{ oid: treeOid, prefix: segments.join("/") }];
  while (queue.length > 0) {
    const { oid, prefix } = queue.shift()!;
    for (const entry of parseTree((await objects.read(oid, "tree")).data)) {
      const entryPath = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.mode === "40000") queue.push({ oid: entry.oid, prefix: entryPath });
      else await visitEntry(objects, entry, entryPath, limits, files, problems, totals, shown);
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, problems, pathMissing: false, treeOid };
}

async function visitEntry(
  objects: ObjectSource,
  entry: TreeEntry,
  entryPath: string,
  limits: ReadLimits,
  files: TreeFile[],
  problems: FileProblem[],
  totals: { total: number },
  shown: string,
): Promise<void> {
  if (entry.mode === "120000") {
    problems.push({ path: entryPath, message: "symlink skipped; target not read" });
    return;
  }
  if (entry.mode === "160000") {
    problems.push({ path: entryPath, message: "submodule skipped; its content is not fetched" });
    return;
  }
  if (!RESOURCE_FILE.test(entry.name)) return;
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
  totals.total += size;
  if (totals.total > limits.maxTotalBytes) {
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
