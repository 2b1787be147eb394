/**
 * One remote head check and one fetch per repository and branch, shared by every definition
 * that uses them: a monorepo with 1,000 definitions costs one head check per interval and one
 * fetch per new commit, not one per definition. Then each definition decides from its path's
 * fingerprint (the tree at its gitops path and the `.sourceignore` files on the way) whether
 * the new commit changes anything for it: an unchanged path is no change (no plan, no run).
 *
 * In memory, per process: a head is reused while younger than the asker's `maxAgeMs` (the
 * scheduler passes half the definition's interval); a webhook for the repository forgets it.
 */
import "server-only";
import { IsomorphicGitClient } from "@/lib/server/git/isomorphic-git-client";
import type { RepoSource } from "@/lib/server/git/git-client";
import { getGitClient } from "@/lib/server/services/git-source";
import { processSingleton } from "@/lib/server/runtime/singletons";

interface HeadEntry {
  at: number;
  head: Promise<string>;
}

interface SharedGitState {
  heads: Map<string, HeadEntry>;
  /** repo+branch+head → the fetch that brought that head into the store */
  fetches: Map<string, Promise<void>>;
  /** repo+commit+path → fingerprint */
  prints: Map<string, string>;
}

const MAX_REMEMBERED = 20_000;

const state = () => processSingleton<SharedGitState>("shared-git", () => ({ heads: new Map(), fetches: new Map(), prints: new Map() }));

/** Credentials are part of the key: a definition never sees a head another one's secret could read. */
function repoKey(src: RepoSource, branch: string): string {
  const who = src.auth ? `u:${src.auth.username}:${src.auth.password}` : src.ssh ? `k:${src.ssh.privateKey}` : "";
  return `${IsomorphicGitClient.storeKey(src.repoURL)}\u0000${branch}\u0000${who}`;
}

/**
 * The branch head, shared with every definition on the same repository and branch while younger than `maxAgeMs`.
 * `fetch`: the branch just moved (a webhook): when the remote must be asked, fetch the branch
 * in the same operation (its ref discovery answers the head), instead of a head check first
 * and a fetch after it.
 */
export function sharedBranchHead(src: RepoSource, branch: string, maxAgeMs: number, opts: { fetch?: boolean } = {}): Promise<string> {
  const { heads, fetches } = state();
  const key = repoKey(src, branch);
  const now = Date.now();
  const cur = heads.get(key);
  if (cur && now - cur.at < maxAgeMs) return cur.head;
  let head: Promise<string>;
  if (opts.fetch) {
    const fetched = getGitClient().fetchRevision(src, { branch });
    head = fetched.then((r) => r.commit);
    void head.then(
      (commit) => {
        if (fetches.size > MAX_REMEMBERED) fetches.clear();
        fetches.set(`${key}\u0000${commit}`, Promise.resolve());
      },
      () => undefined,
    );
  } else head = getGitClient().resolveBranchHead(src, branch);
  const entry = { at: now, head };
  heads.set(key, entry);
  // a failure is never shared with later askers
  head.catch(() => {
    if (heads.get(key) === entry) heads.delete(key);
  });
  return head;
}

/** A push to these repositories and branches (a webhook): the next head check asks the remote. */
export function forgetBranchHeads(targets: { repoURL: string; branch: string }[]): void {
  const { heads } = state();
  const prefixes = new Set(targets.map((t) => `${IsomorphicGitClient.storeKey(t.repoURL)}\u0000${t.branch}\u0000`));
  for (const key of heads.keys()) for (const p of prefixes) if (key.startsWith(p)) heads.delete(key);
}

/** Brings `head` into the local store once, however many definitions ask. */
export function sharedFetch(src: RepoSource, branch: string, head: string): Promise<void> {
  const { fetches } = state();
  const key = `${repoKey(src, branch)}\u0000${head}`;
  let f = fetches.get(key);
  if (!f) {
    if (fetches.size > MAX_REMEMBERED) fetches.clear();
    f = getGitClient()
      .fetchRevision(src, { branch })
      .then(() => undefined);
    fetches.set(key, f);
    f.catch(() => fetches.delete(key));
  }
  return f;
}

async function fingerprint(src: RepoSource, commit: string, path: string): Promise<string | null> {
  const { prints } = state();
  const key = `${IsomorphicGitClient.storeKey(src.repoURL)}\u0000${commit}\u0000${path}`;
  const known = prints.get(key);
  if (known) return known;
  const fp = await getGitClient().pathFingerprint(src, commit, path);
  if (fp !== null) {
    if (prints.size > MAX_REMEMBERED) prints.clear();
    prints.set(key, fp);
  }
  return fp;
}

/** Fingerprints of `paths` at `commit` (remembered ones first, the rest in one batch); null when the commit is not in the store. */
async function fingerprints(src: RepoSource, commit: string, paths: string[]): Promise<Map<string, string> | null> {
  const { prints } = state();
  const prefix = `${IsomorphicGitClient.storeKey(src.repoURL)}\u0000${commit}\u0000`;
  const out = new Map<string, string>();
  const missing: string[] = [];
  for (const p of paths) {
    const known = prints.get(prefix + p);
    if (known) out.set(p, known);
    else missing.push(p);
  }
  if (missing.length === 0) return out;
  const got = await getGitClient().pathFingerprints(src, commit, missing);
  if (!got) return null;
  if (prints.size + got.size > MAX_REMEMBERED) prints.clear();
  for (const [p, fp] of got) {
    prints.set(prefix + p, fp);
    out.set(p, fp);
  }
  return out;
}

/**
 * `pathUnchanged` for many definitions on one repository and branch at once (the scheduler's
 * sweep): every path's fingerprint at `to` in one batch (one fetch when `to` is not in the
 * store), and at each `from` likewise. Answers per item, in order.
 */
export async function pathsUnchanged(src: RepoSource, branch: string, items: { path: string; from: string }[], to: string): Promise<boolean[]> {
  const byFrom = new Map<string, string[]>();
  for (const it of items) {
    if (it.from === to) continue;
    let ps = byFrom.get(it.from);
    if (!ps) byFrom.set(it.from, (ps = []));
    ps.push(it.path);
  }
  if (byFrom.size === 0) return items.map(() => true);
  const paths = [...new Set(items.filter((it) => it.from !== to).map((it) => it.path))];
  let after = await fingerprints(src, to, paths);
  if (after === null) {
    await sharedFetch(src, branch, to);
    after = await fingerprints(src, to, paths);
  }
  const before = new Map<string, Map<string, string> | null>();
  for (const [from, ps] of byFrom) before.set(from, await fingerprints(src, from, ps));
  return items.map((it) => {
    if (it.from === to) return true;
    const b = before.get(it.from)?.get(it.path);
    return b !== undefined && after !== null && after.get(it.path) === b;
  });
}

/**
 * Does `to` leave the definition's path as it was at `from`? Fetches `to` (shared) when needed.
 * False whenever it cannot tell (`from` no longer in the store).
 */
export async function pathUnchanged(src: RepoSource, branch: string, path: string, from: string, to: string): Promise<boolean> {
  if (from === to) return true;
  const before = await fingerprint(src, from, path);
  if (before === null) return false;
  let after = await fingerprint(src, to, path);
  if (after === null) {
    await sharedFetch(src, branch, to);
    after = await fingerprint(src, to, path);
  }
  return after === before;
}
