/**
 * Local repository paths (an absolute path or file:// as repoURL) read the server's own disk,
 * so they are off unless someone chose them: an admin with SYNCLINE_ALLOW_LOCAL_REPOS=1 (any
 * path), or the demo (SYNCLINE_DEMO=1), and then only the demo's own repository. One rule,
 * applied when a definition is saved (services/definitions.ts) and again at every fetch (the
 * Git client's URL policy), because a definition may predate the setting's change.
 */
import "server-only";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { localRepoPath } from "@/lib/engine/repo-url";
import { LOCAL_REPOS_DISABLED, localAllowed } from "@/lib/server/git/url-policy";

/** Where the demo builds its repository (services/demo.ts). */
export function demoRepoDir(dataDir: string): string {
  return path.join(dataDir, "demo-repo");
}

/** The URL policy's part for local paths, from the environment. */
export function localRepoPolicy(): { allowLocal: boolean; localRoots: string[] } {
  const env = getEnv();
  return { allowLocal: env.SYNCLINE_ALLOW_LOCAL_REPOS === "1", localRoots: env.SYNCLINE_DEMO === "1" ? [demoRepoDir(env.dataDir)] : [] };
}

/** Why a repoURL may not be saved on this server, or undefined. */
export function localRepoRefusal(repoURL: string): string | undefined {
  const p = localRepoPath(repoURL);
  if (p === undefined) return undefined;
  return localAllowed(path.resolve(p), localRepoPolicy()) ? undefined : LOCAL_REPOS_DISABLED;
}
