/**
 * The object id of what sits at a path in a commit (a tree, or a blob when the path names one
 * file), or null when nothing does. Two commits with equal ids changed nothing under the path:
 * the path-filtered history (services/definition-commits.ts) compares a commit with its parent
 * this way, reading only the trees along the path, never the files below it.
 */
import { GitError } from "./git-client";
import { normalisePath, parseTree, type ObjectSource } from "./list-tree-files";

export async function pathTreeOid(objects: ObjectSource, commit: string, gitopsPath: string): Promise<string | null> {
  const c = await objects.read(commit, "commit");
  const root = /^tree ([0-9a-f]{40})/m.exec(c.data.toString("latin1"))?.[1];
  if (!root) throw new GitError("INTERNAL", `commit ${commit} has no tree`);
  let oid = root;
  let isTree = true;
  for (const segment of normalisePath(gitopsPath)) {
    if (!isTree) return null;
    const entry = parseTree((await objects.read(oid, "tree")).data).find((e) => e.name === segment);
    if (!entry) return null;
    oid = entry.oid;
    isTree = entry.mode === "40000";
  }
  return oid;
}
