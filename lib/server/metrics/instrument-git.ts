/** Wraps a GitClient so every remote operation is timed and its failures counted. */
import "server-only";
import type { GitClient } from "@/lib/server/git/git-client";
import { GitError } from "@/lib/server/git/git-client";
import { getMetrics } from "@/lib/server/metrics/registry";

async function timed<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  const m = getMetrics();
  const end = m.gitDuration.startTimer({ operation });
  try {
    return await fn();
  } catch (err) {
    m.gitErrors.inc({ operation, code: err instanceof GitError ? err.code : "INTERNAL" });
    throw err;
  } finally {
    end();
  }
}

export function instrumentGitClient(inner: GitClient): GitClient {
  return {
    resolveBranchHead: (src, branch) => timed("resolve-head", () => inner.resolveBranchHead(src, branch)),
    fetchRevision: (src, target) => timed("fetch", () => inner.fetchRevision(src, target)),
    listFiles: (src, commit, p, limits) => inner.listFiles(src, commit, p, limits),
    readBlobs: (src, oids) => inner.readBlobs(src, oids),
    commitInfo: (src, commit) => inner.commitInfo(src, commit),
    log: (src, ref, depth) => timed("log", () => inner.log(src, ref, depth)),
  };
}
