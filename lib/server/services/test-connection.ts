/**
 * "Test connection" for a definition not saved yet: fetch the branch with the chosen secret,
 * list the files under the path and count the kinds of the documents there, so the form can
 * offer them. Reads Git only; nothing is stored. Git failures come back as a message.
 */
import "server-only";
import { normalizeGitopsPath } from "@/lib/engine/gitops-path";
import type { Definition } from "@/lib/engine/types";
import { isGitError } from "@/lib/server/git/git-client";
import { getGitClient, repoSourceFor } from "@/lib/server/services/git-source";
import { readSource } from "@/lib/server/services/sync/read-source";
import { redactUrl } from "@/lib/engine/redact";

export interface ConnectionTestInput {
  repoURL: string;
  branch: string;
  path: string;
  secretName?: string;
}

export type ConnectionTestResult =
  { ok: true; commit: string; files: number; kinds: { kind: string; count: number }[]; problems: number } | { ok: false; error: string };

export async function testConnection(input: ConnectionTestInput): Promise<ConnectionTestResult> {
  const path = normalizeGitopsPath(input.path || "/");
  if (!path.ok) return { ok: false, error: `path refused: ${path.reason}` };
  const gitops = {
    repoURL: input.repoURL,
    branch: input.branch || "main",
    path: path.path,
    interval: 300,
    ...(input.secretName ? { secretName: input.secretName } : {}),
  };
  const def = {
    metadata: { name: "connection-test" },
    spec: {
      group: "test",
      version: "v1",
      names: { kind: "ConnectionTest", plural: "connectiontests" },
      scope: "Namespaced",
      gitops,
      syncPolicy: { automated: false, prune: false, selfHeal: false, atomic: false, allowEmpty: false },
    },
  } as Definition;
  try {
    const git = getGitClient();
    const src = await repoSourceFor(gitops);
    const target = await git.fetchRevision(src, { branch: gitops.branch });
    const source = await readSource(git, src, def, target);
    const kinds = new Map<string, number>();
    let problems = source.listingProblems.length;
    for (const f of source.files) {
      const parsed = source.parse(f);
      problems += parsed.problems.length;
      for (const d of parsed.docs) {
        const kind =
          d.value && typeof d.value === "object" && typeof (d.value as { kind?: unknown }).kind === "string" ? (d.value as { kind: string }).kind : "(no kind)";
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    }
    return {
      ok: true,
      commit: target.commit,
      files: source.files.length,
      kinds: [...kinds].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1)),
      problems,
    };
  } catch (err) {
    if (isGitError(err)) return { ok: false, error: `${redactUrl(input.repoURL)}: ${err.message}` };
    if (err instanceof Error && "code" in err) return { ok: false, error: err.message };
    throw err;
  }
}
