/**
 * The app's one GitClient (a persistent object store per repo under <dataDir>/git) and the
 * RepoSource for a definition: its URL plus credentials from the named secret. Remote
 * operations are timed and published as "git-operation" events (metrics subscribe).
 */
import "server-only";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { IsomorphicGitClient } from "@/lib/server/git/isomorphic-git-client";
import { GitError, type GitClient, type RepoSource } from "@/lib/server/git/git-client";
import type { GitOpsSpec } from "@/lib/engine/types";
import { getGitAuth, getSshCredentials } from "@/lib/server/services/secrets";
import { looksLikeSshUrl } from "@/lib/engine/ssh-url";
import { listSshKnownHostRows } from "@/lib/server/data/ssh-known-hosts";
import type { UrlPolicyOptions } from "@/lib/server/git/url-policy";
import { publish } from "@/lib/server/runtime/events";
import { processSingleton, setProcessSingleton } from "@/lib/server/runtime/singletons";
import { ensurePrivateDir } from "@/lib/server/private-dir";
import { localRepoPolicy } from "@/lib/server/services/local-repos";

const KEY = "git-client";

function hostList(v: string | undefined): string[] | undefined {
  const xs = v
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return xs && xs.length > 0 ? xs : undefined;
}

async function timed<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  let errorCode: string | undefined;
  try {
    return await fn();
  } catch (err) {
    errorCode = err instanceof GitError ? err.code : "INTERNAL";
    throw err;
  } finally {
    publish("git-operation", { operation, seconds: (performance.now() - start) / 1000, ...(errorCode ? { errorCode } : {}) });
  }
}

/** Times the remote operations (head checks, fetches, logs); local reads pass straight through. */
function timedGitClient(inner: GitClient): GitClient {
  return {
    resolveBranchHead: (src, branch) => timed("resolve-head", () => inner.resolveBranchHead(src, branch)),
    fetchRevision: (src, target) => timed("fetch", () => inner.fetchRevision(src, target)),
    listFiles: (src, commit, p, limits, filter) => inner.listFiles(src, commit, p, limits, filter),
    readBlobs: (src, oids) => inner.readBlobs(src, oids),
    pathFingerprint: (src, commit, p) => inner.pathFingerprint(src, commit, p),
    pathFingerprints: (src, commit, paths) => inner.pathFingerprints(src, commit, paths),
    commitInfo: (src, commit) => inner.commitInfo(src, commit),
    log: (src, ref, depth) => timed("log", () => inner.log(src, ref, depth)),
    pathTreeOids: (src, commits, p) => inner.pathTreeOids(src, commits, p),
  };
}

/** The host policy (allow/deny lists) for connections made outside a fetch (an SSH host-key scan). */
export function gitPolicyOptions(): UrlPolicyOptions {
  const env = getEnv();
  return { allowHosts: hostList(env.SYNCLINE_ALLOW_HOSTS), denyHosts: hostList(env.SYNCLINE_DENY_HOSTS) };
}

export function getGitClient(): GitClient {
  return processSingleton(KEY, () => {
    const env = getEnv();
    // the object stores under it are created by the Git package; the parent decides who can read them
    const cacheDir = path.join(env.dataDir, "git");
    ensurePrivateDir(env.dataDir);
    ensurePrivateDir(cacheDir);
    return timedGitClient(
      new IsomorphicGitClient({
        cacheDir,
        totalTimeoutMs: env.SYNCLINE_GIT_TIMEOUT_S * 1000,
        idleTimeoutMs: env.SYNCLINE_GIT_IDLE_TIMEOUT_S * 1000,
        allowHosts: hostList(env.SYNCLINE_ALLOW_HOSTS),
        denyHosts: hostList(env.SYNCLINE_DENY_HOSTS),
        ...localRepoPolicy(),
      }),
    );
  });
}

export function setGitClientForTests(c: GitClient | undefined): void {
  setProcessSingleton(KEY, c);
}

export async function repoSourceFor(gitops: GitOpsSpec): Promise<RepoSource> {
  if (looksLikeSshUrl(gitops.repoURL)) {
    // SSH: the secret's key, and every trusted host key (the transport picks the host's)
    const trustedHostKeys = (await listSshKnownHostRows()).map((r) => ({ host: r.host, port: r.port, key: r.key }));
    return { repoURL: gitops.repoURL, trustedHostKeys, ...(gitops.secretName ? { ssh: await getSshCredentials(gitops.secretName) } : {}) };
  }
  return gitops.secretName ? { repoURL: gitops.repoURL, auth: await getGitAuth(gitops.secretName) } : { repoURL: gitops.repoURL };
}
