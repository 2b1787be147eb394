/**
 * The app's one GitClient (a persistent object store per repo under <dataDir>/git) and the
 * RepoSource for a definition: its URL plus credentials from the named secret.
 */
import "server-only";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { IsomorphicGitClient } from "@/lib/server/git/isomorphic-git-client";
import type { GitClient, RepoSource } from "@/lib/server/git/git-client";
import type { GitOpsSpec } from "@/lib/engine/types";
import { getGitAuth } from "@/lib/server/services/secrets";
import { instrumentGitClient } from "@/lib/server/metrics/instrument-git";

const g = globalThis as unknown as { __synclineGit?: GitClient };

function hostList(v: string | undefined): string[] | undefined {
  const xs = v?.split(",").map((s) => s.trim()).filter(Boolean);
  return xs && xs.length > 0 ? xs : undefined;
}

export function getGitClient(): GitClient {
  if (!g.__synclineGit) {
    const env = getEnv();
    g.__synclineGit = instrumentGitClient(
      new IsomorphicGitClient({
        cacheDir: path.join(env.dataDir, "git"),
        allowHosts: hostList(env.SYNCLINE_ALLOW_HOSTS),
        denyHosts: hostList(env.SYNCLINE_DENY_HOSTS),
      }),
    );
  }
  return g.__synclineGit;
}

export function setGitClientForTests(c: GitClient | undefined): void {
  g.__synclineGit = c;
}

export async function repoSourceFor(gitops: GitOpsSpec): Promise<RepoSource> {
  return gitops.secretName ? { repoURL: gitops.repoURL, auth: await getGitAuth(gitops.secretName) } : { repoURL: gitops.repoURL };
}
