/**
 * GitClient over isomorphic-git (network, refs, shallow bookkeeping) plus our PackReader
 * (object reads and sizes, where isomorphic-git is slow). One persistent bare store per repo URL,
 * never a checkout (a 10k-file checkout took 5.4 s and ran out of file handles), a shallow first
 * fetch, and incremental fetches without `depth` that negotiate from a local ref we advance each
 * time (with `depth: 1` a 100-file commit re-downloaded the whole tree: 1.5 s instead of 153 ms).
 * See ARCHITECTURE.md "What keeps a 10,000-resource definition fast".
 *
 * Local repositories (absolute path or file://) are read in place: isomorphic-git cannot fetch
 * from a path, and there is nothing to fetch anyway.
 *
 * Credentials reach isomorphic-git only through onAuth; they are never part of a URL, a cache
 * key, the store's config or an error message.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import git from "isomorphic-git";
import {
  GitError,
  type CommitInfo,
  type FetchedRevision,
  type GitClient,
  type ListFilesResult,
  type ListFilter,
  type ReadLimits,
  type RepoAuth,
  type RepoSource,
  type RevisionTarget,
} from "./git-client";
import { createHttpTransport, type HttpTransport, type HttpTransportOptions } from "./http-transport";
import { pathTreeOid } from "./path-tree-oid";
import { listTreeFiles, pathFingerprint, type ObjectSource, type TreeCache } from "./list-tree-files";
import { lsRefsDirect } from "./ls-refs";
import { PackReader, type GitObject, type GitObjectType } from "./pack-reader";
import { redactCredentials, stripUrlCredentials } from "./redact-credentials";
import { withRepoLock } from "./repo-lock";
import type { PackLimits } from "./pack-index";
import { receivePacksInto } from "./pack-receiver";
import { incrementalFetch, shallowFetch, ShallowFetchUnsupported } from "./shallow-fetch";
import { logger } from "@/lib/server/logger";
import { classifyRepoURL } from "./url-policy";
import { formatSshUrl, looksLikeSshUrl, parseSshUrl, type SshURL } from "@/lib/engine/ssh-url";
import { createSshTransport, type SshTransport, type SshTransportOptions } from "./ssh-transport";

export interface IsomorphicGitClientOptions extends HttpTransportOptions, SshTransportOptions {
  /** where the per-repository stores live; the app passes `<SYNCLINE_DATA_DIR>/git` */
  cacheDir: string;
  /** packs accumulate (isomorphic-git never repacks): past this many, the store is re-cloned */
  maxPacks?: number;
  /** commits to deepen by, per step, when a revision is older than the shallow history */
  deepenStep?: number;
  /** what indexing one received pack may cost (pack-index.ts; defaults there) */
  packLimits?: PackLimits;
  /** commits of the branch walked (and fetched, deepening) at most to tell whether a revision is on it */
  maxBranchWalk?: number;
}

/** `kind: "http"` is every remote: an SSH repository is served to isomorphic-git by the SSH transport under a stand-in URL */
type Repo =
  | { kind: "http"; url: string; display: string; gitdir: string; auth?: RepoAuth; ssh?: SshURL }
  | { kind: "local"; display: string; gitdir: string; auth?: RepoAuth };

type HttpRepo = Extract<Repo, { kind: "http" }>;

/** git's "infinite" depth: asks the server to unshallow */
const UNSHALLOW = 2147483647;
const FULL_SHA = /^[0-9a-f]{40}$/;
const SHORT_SHA = /^[0-9a-f]{4,39}$/;

export class IsomorphicGitClient implements GitClient {
  private readers = new Map<string, PackReader>();
  /**
   * isomorphic-git's cache per store, for fetches: it keeps each pack's parsed index (a fetch
   * checks its "haves" against every index: ~20-30 ms per fetch for a 10,000-object pack when
   * parsed again). Pack files never change under their name; pack bytes it loads are dropped
   * after each fetch (releaseFetchCache).
   */
  private fetchCaches = new Map<string, object>();
  /** repository URL → whether its server answered ls-refs without the advertisement first */
  private lsRefsDirect = new Map<string, boolean>();

  constructor(private readonly opts: IsomorphicGitClientOptions) {}

  /** sha256 of the normalised URL without credentials: the store directory name */
  static storeKey(repoURL: string): string {
    const ssh = looksLikeSshUrl(repoURL.trim()) ? parseSshUrl(repoURL.trim()) : undefined;
    if (ssh?.ok) return crypto.createHash("sha256").update(sshStoreName(ssh.url)).digest("hex");
    const { url } = stripUrlCredentials(repoURL.trim());
    return crypto.createHash("sha256").update(normaliseURL(url)).digest("hex");
  }

  /** The on-disk store for a repo URL (tests and maintenance). */
  storeDir(repoURL: string): string {
    return path.join(this.opts.cacheDir, IsomorphicGitClient.storeKey(repoURL));
  }

  async resolveBranchHead(src: RepoSource, branch: string): Promise<string> {
    return this.run(src, async (repo, transport) => {
      checkRefName(branch, "branch");
      if (repo.kind === "local") {
        const oid = await resolveLocalRef(repo.gitdir, `refs/heads/${branch}`);
        if (!oid) throw branchNotFound(branch, repo);
        return oid;
      }
      const refs = await this.remoteRefs(repo, transport!, `refs/heads/${branch}`);
      const oid = refs.get(`refs/heads/${branch}`);
      if (!oid) throw branchNotFound(branch, repo);
      return oid;
    });
  }

  async fetchRevision(src: RepoSource, target: RevisionTarget): Promise<FetchedRevision> {
    return this.run(src, async (repo, transport) => {
      checkRefName(target.branch, "branch");
      const revision = target.revision?.trim() || undefined;
      const found =
        repo.kind === "local"
          ? await this.resolveLocalRevision(repo, target.branch, revision)
          : await withRepoLock(repo.gitdir, () =>
              this.fetchRemoteRevision(repo, transport!, target.branch, revision, target.fetchMissing ?? true, revision ? undefined : target.branchHead),
            );
      if (!target.checkOnBranch) return found;
      if (!found.branchHead) return { ...found, onBranch: false };
      return { ...found, onBranch: await this.reachableFromBranch(repo, transport, target.branch, found.branchHead, found.commit) };
    });
  }

  /**
   * Is `commit` the branch head or one of its ancestors? Walks the branch's history (every
   * parent, breadth first) in the store; where the store is shallow above the answer, deepens
   * the branch (doubling from `deepenStep`) and walks again, up to `maxBranchWalk` commits.
   * Past that bound, or when history cannot be deepened, it says so (LIMIT_EXCEEDED) rather
   * than guess: a "no" would refuse a legitimate old commit, a "yes" would let any commit through.
   */
  private async reachableFromBranch(repo: Repo, transport: HttpTransport | undefined, branch: string, head: string, commit: string): Promise<boolean> {
    if (head === commit) return true;
    const max = this.opts.maxBranchWalk ?? 10_000;
    let step = this.opts.deepenStep ?? 50;
    for (;;) {
      const walk = await walkHistory(repo.gitdir, head, commit, max);
      if (walk.found) return true;
      if (!walk.truncated) return false; // the whole history is in the store: not an ancestor
      const undecided = `could not tell whether commit ${commit.slice(0, 12)} is on branch ${branch} of ${repo.display}`;
      if (walk.visited >= max)
        throw new GitError("LIMIT_EXCEEDED", `${undecided}: it is not among the ${max} newest commits of ${branch} (the most this check walks)`);
      if (repo.kind !== "http") throw new GitError("LIMIT_EXCEEDED", `${undecided}: the repository's history is incomplete (a shallow clone)`);
      const shallowBefore = readIfExists(path.join(repo.gitdir, "shallow"))?.toString("latin1") ?? "";
      await withRepoLock(repo.gitdir, () => this.fetchBranch(repo, transport!, branch, { depth: step, relative: true }));
      const shallowAfter = readIfExists(path.join(repo.gitdir, "shallow"))?.toString("latin1") ?? "";
      if (shallowAfter === shallowBefore) throw new GitError("LIMIT_EXCEEDED", `${undecided}: the server did not send more of its history`);
      step = Math.min(step * 2, max);
    }
  }

  async listFiles(src: RepoSource, commit: string, gitopsPath: string, limits: ReadLimits, filter?: ListFilter): Promise<ListFilesResult> {
    return this.run(src, async (repo) => {
      const objects = this.objectSource(repo);
      try {
        const c = await objects.read(commit, "commit");
        const tree = /^tree ([0-9a-f]{40})/m.exec(c.data.toString("latin1"))?.[1];
        if (!tree) throw new GitError("INTERNAL", `commit ${commit} has no tree`);
        return await listTreeFiles(objects, tree, gitopsPath, limits, filter);
      } finally {
        objects.release();
      }
    });
  }

  async pathFingerprint(src: RepoSource, commit: string, gitopsPath: string): Promise<string | null> {
    return this.run(src, async (repo) => {
      // a commit not yet fetched: answered from the loaded pack indexes (isomorphic-git's
      // fallback would parse every index again to say so; a wrong miss only costs a fetch)
      if (repo.kind !== "local" && !this.holdsCommit(repo.gitdir, commit)) return null;
      const objects = this.objectSource(repo);
      let c;
      try {
        c = await objects.read(commit, "commit");
      } catch {
        return null;
      }
      const tree = /^tree ([0-9a-f]{40})/m.exec(c.data.toString("latin1"))?.[1];
      if (!tree) throw new GitError("INTERNAL", `commit ${commit} has no tree`);
      return pathFingerprint(objects, tree, gitopsPath);
    });
  }

  async pathFingerprints(src: RepoSource, commit: string, paths: string[]): Promise<Map<string, string> | null> {
    return this.run(src, async (repo) => {
      // a commit not yet fetched: answered from the loaded pack indexes (isomorphic-git's
      // fallback would parse every index again to say so; a wrong miss only costs a fetch)
      if (repo.kind !== "local" && !this.holdsCommit(repo.gitdir, commit)) return null;
      const objects = this.objectSource(repo);
      let c;
      try {
        c = await objects.read(commit, "commit");
      } catch {
        return null;
      }
      const tree = /^tree ([0-9a-f]{40})/m.exec(c.data.toString("latin1"))?.[1];
      if (!tree) throw new GitError("INTERNAL", `commit ${commit} has no tree`);
      const trees: TreeCache = new Map();
      const out = new Map<string, string>();
      for (const p of paths) if (!out.has(p)) out.set(p, await pathFingerprint(objects, tree, p, trees));
      return out;
    });
  }

  async readBlobs(src: RepoSource, oids: string[]): Promise<Map<string, Uint8Array>> {
    return this.run(src, async (repo) => {
      const objects = this.objectSource(repo);
      const out = new Map<string, Uint8Array>();
      try {
        for (const oid of oids) {
          if (out.has(oid)) continue;
          out.set(oid, (await objects.read(oid, "blob")).data);
        }
      } finally {
        objects.release();
      }
      return out;
    });
  }

  async commitInfo(src: RepoSource, commit: string): Promise<CommitInfo> {
    return this.run(src, async (repo) => {
      const oid = await this.expandLocal(repo.gitdir, commit);
      if (!oid) throw new GitError("REVISION_NOT_FOUND", `commit ${commit} is not in the local store of ${repo.display} (fetch it first)`);
      // from our pack reader (indexes loaded once); isomorphic-git would parse every pack index
      // and read the whole pack holding the commit, per call
      const obj = safe(() => this.readerFor(repo.gitdir).read(oid));
      const parsed = obj?.type === "commit" ? parseCommitHeader(obj.data) : undefined;
      if (parsed) return toCommitInfo(oid, parsed);
      const { commit: c } = await git.readCommit({ fs, gitdir: repo.gitdir, oid });
      return toCommitInfo(oid, c);
    });
  }

  async log(src: RepoSource, ref: string, depth: number): Promise<CommitInfo[]> {
    return this.run(src, async (repo, transport) => {
      const branchOid = () => resolveLocalRef(repo.gitdir, `refs/heads/${ref}`);
      let entries = await this.firstParentLog(repo, (await branchOid()) ?? (await this.expandLocal(repo.gitdir, ref)), ref, depth);
      if (repo.kind === "http" && entries.length < depth && (await branchOid())) {
        // the store is shallow below here: deepen the branch by what is missing, once
        await withRepoLock(repo.gitdir, () => this.fetchBranch(repo, transport!, ref, { depth: depth - entries.length, relative: true }));
        entries = await this.firstParentLog(repo, await branchOid(), ref, depth);
      }
      return entries;
    });
  }

  async pathTreeOids(src: RepoSource, commits: string[], gitopsPath: string): Promise<Map<string, string | null>> {
    return this.run(src, async (repo) => {
      const objects = this.objectSource(repo);
      const out = new Map<string, string | null>();
      try {
        for (const commit of commits) if (!out.has(commit)) out.set(commit, await pathTreeOid(objects, commit, gitopsPath));
      } finally {
        objects.release();
      }
      return out;
    });
  }

  /** First-parent history, stopping quietly where the store's (shallow) history ends. */
  private async firstParentLog(repo: Repo, start: string | undefined, ref: string, depth: number): Promise<CommitInfo[]> {
    if (!start) throw new GitError("REVISION_NOT_FOUND", `${ref} is not in the local store of ${repo.display} (fetch it first)`);
    const out: CommitInfo[] = [];
    const cache = {};
    let oid: string | undefined = start;
    while (oid && out.length < depth) {
      let c: Awaited<ReturnType<typeof git.readCommit>>["commit"];
      try {
        ({ commit: c } = await git.readCommit({ fs, gitdir: repo.gitdir, oid, cache }));
      } catch {
        break;
      }
      out.push(toCommitInfo(oid, c));
      oid = c.parent[0];
    }
    return out;
  }

  // ---- remote revisions ---------------------------------------------------------------

  private async fetchRemoteRevision(
    repo: HttpRepo,
    transport: HttpTransport,
    branch: string,
    revision: string | undefined,
    fetchMissing: boolean,
    /** the branch head its caller just resolved (no `revision`): no second ls-remote */
    knownHead?: string,
  ): Promise<FetchedRevision> {
    await this.prepareStore(repo);
    const refs = knownHead && FULL_SHA.test(knownHead) ? new Map([[`refs/heads/${branch}`, knownHead]]) : await this.remoteRefs(repo, transport);
    const branchHead = refs.get(`refs/heads/${branch}`);
    if (!branchHead && (!revision || revision === branch)) throw branchNotFound(branch, repo);

    // keep the branch current: it is what later fetches negotiate from
    if (branchHead && !this.holdsCommit(repo.gitdir, branchHead)) await this.fetchBranch(repo, transport, branch, { want: branchHead });
    else if (branchHead) await writeLocalRef(repo.gitdir, branch, branchHead);
    if (!revision || revision === branch) {
      await this.ensureCommit(repo, transport, branch, branchHead!);
      return { commit: branchHead!, branchHead };
    }

    const tagRef = `refs/tags/${revision}`;
    const headRef = `refs/heads/${revision}`;
    const named = refs.get(`${tagRef}^{}`) ?? refs.get(tagRef) ?? refs.get(headRef);
    if (!fetchMissing) {
      // only what the store already holds: no fetch, no deepening for this revision
      const oid = named ?? (await this.expandLocal(repo.gitdir, revision));
      if (!oid || !(await this.hasCommit(repo.gitdir, oid))) throw notInStore(revision, repo);
      return { commit: oid, branchHead };
    }
    if (named) {
      const remoteRef = refs.has(tagRef) ? tagRef : headRef;
      if (!(await this.hasCommit(repo.gitdir, named))) {
        await this.fetchRef(repo, transport, branch, remoteRef, branchHead ? undefined : 1);
      }
      await this.ensureCommit(repo, transport, branch, named, branchHead ? undefined : remoteRef);
      return { commit: named, branchHead };
    }
    if (FULL_SHA.test(revision)) {
      await this.ensureCommit(repo, transport, branch, revision);
      return { commit: revision, branchHead };
    }
    if (SHORT_SHA.test(revision.toLowerCase())) {
      const short = revision.toLowerCase();
      let oid = await this.expandLocal(repo.gitdir, short);
      for (const step of this.deepenSteps(branchHead)) {
        if (oid) break;
        await step(repo, transport, branch);
        oid = await this.expandLocal(repo.gitdir, short);
      }
      if (!oid) throw revisionNotFound(revision, repo);
      return { commit: oid, branchHead };
    }
    throw revisionNotFound(revision, repo);
  }

  /** The commit may be older than the shallow history: deepen, then unshallow, then ask by SHA. */
  private async ensureCommit(repo: HttpRepo, transport: HttpTransport, branch: string, oid: string, viaRef?: string): Promise<void> {
    if (await this.hasCommit(repo.gitdir, oid)) return;
    const steps = [
      // a server may refuse a want by SHA (then deepen); a timeout ends the operation
      async () =>
        this.fetchRef(repo, transport, branch, oid, undefined).catch((err: unknown) => {
          if (transport.failure?.code === "TIMEOUT" || (err instanceof GitError && err.code === "TIMEOUT")) throw err;
        }),
      ...this.deepenSteps(viaRef ? undefined : branch).map((s) => () => s(repo, transport, branch)),
    ];
    if (viaRef) steps.push(() => this.fetchRef(repo, transport, branch, viaRef, UNSHALLOW));
    for (const step of steps) {
      await step();
      if (await this.hasCommit(repo.gitdir, oid)) return;
    }
    throw revisionNotFound(oid, repo);
  }

  private deepenSteps(branchExists: string | undefined): Array<(repo: HttpRepo, t: HttpTransport, branch: string) => Promise<void>> {
    const step = this.opts.deepenStep ?? 50;
    const all = async (repo: HttpRepo, t: HttpTransport) => {
      await this.fetchRaw(repo, t, { singleBranch: false, tags: true, depth: UNSHALLOW });
    };
    if (!branchExists) return [all];
    return [
      (repo, t, branch) => this.fetchBranch(repo, t, branch, { depth: step, relative: true }),
      (repo, t, branch) => this.fetchBranch(repo, t, branch, { depth: UNSHALLOW }),
      all,
    ];
  }

  private async fetchBranch(repo: HttpRepo, transport: HttpTransport, branch: string, o: { depth?: number; relative?: boolean; want?: string }): Promise<void> {
    const known = await resolveLocalRef(repo.gitdir, `refs/heads/${branch}`);
    if (!known && o.depth === undefined && o.want && !hasPacks(repo.gitdir)) {
      // the first fetch into an empty store: our own shallow fetch and indexer (shallow-fetch.ts)
      try {
        await shallowFetch({ transport, url: repo.url, auth: repo.auth, gitdir: repo.gitdir, want: o.want, limits: this.opts.packLimits });
        this.readers.get(repo.gitdir)?.refresh();
        await writeLocalRef(repo.gitdir, branch, o.want);
        return;
      } catch (err) {
        if (!(err instanceof ShallowFetchUnsupported)) throw err;
        logger.info({ repo: repo.display, reason: err.message }, "native shallow fetch not possible; fetching with isomorphic-git");
      }
    }
    if (known && o.depth === undefined && o.want) {
      // a later fetch of the branch: one request from the local branch ref (shallow-fetch.ts)
      try {
        await incrementalFetch({ transport, url: repo.url, auth: repo.auth, gitdir: repo.gitdir, want: o.want, haves: [known], limits: this.opts.packLimits });
        this.readers.get(repo.gitdir)?.refresh();
        if (this.holdsCommit(repo.gitdir, o.want)) {
          await writeLocalRef(repo.gitdir, branch, o.want);
          return;
        }
        logger.info({ repo: repo.display }, "native fetch did not bring the branch head; fetching with isomorphic-git");
      } catch (err) {
        if (!(err instanceof ShallowFetchUnsupported)) throw err;
        logger.info({ repo: repo.display, reason: err.message }, "native fetch not possible; fetching with isomorphic-git");
      }
    }
    // first fetch of a branch is shallow; later ones carry no depth (a shallow re-fetch
    // downloads the whole tree again) and negotiate from the local branch ref
    const depth = o.depth ?? (known ? undefined : 1);
    const res = await this.fetchRaw(repo, transport, {
      ref: branch,
      remoteRef: `refs/heads/${branch}`,
      singleBranch: true,
      depth,
      relative: o.relative,
    });
    if (res.fetchHead) await writeLocalRef(repo.gitdir, branch, res.fetchHead);
  }

  private async fetchRef(repo: HttpRepo, transport: HttpTransport, branch: string, remoteRef: string, depth: number | undefined): Promise<void> {
    const hasBranch = await resolveLocalRef(repo.gitdir, `refs/heads/${branch}`);
    await this.fetchRaw(repo, transport, {
      ref: hasBranch ? branch : undefined,
      remoteRef,
      singleBranch: true,
      depth: depth ?? (hasBranch ? undefined : 1),
    });
  }

  private async fetchRaw(
    repo: HttpRepo,
    transport: HttpTransport,
    o: { ref?: string; remoteRef?: string; singleBranch: boolean; depth?: number; relative?: boolean; tags?: boolean },
  ): Promise<{ fetchHead: string | null }> {
    // isomorphic-git writes the shallow file before the pack arrives; restore it if the
    // download fails so the store never claims history it does not have
    const shallowFile = path.join(repo.gitdir, "shallow");
    const shallowBefore = readIfExists(shallowFile);
    try {
      const res = await git.fetch({
        fs,
        // packs are stored and indexed by us in bounded memory; isomorphic-git sees an empty one
        http: receivePacksInto(transport, { gitdir: repo.gitdir, limits: this.opts.packLimits }),
        gitdir: repo.gitdir,
        url: repo.url,
        remote: "origin",
        ref: o.ref,
        remoteRef: o.remoteRef,
        singleBranch: o.singleBranch,
        depth: o.depth,
        relative: o.relative,
        tags: o.tags ?? false,
        cache: this.fetchCacheFor(repo.gitdir),
        ...authCallbacks(repo.auth),
      });
      return { fetchHead: res.fetchHead };
    } catch (err) {
      if (shallowBefore === undefined) fs.rmSync(shallowFile, { force: true });
      else fs.writeFileSync(shallowFile, shallowBefore);
      throw err;
    } finally {
      this.readers.get(repo.gitdir)?.refresh();
      await this.releaseFetchCache(repo.gitdir);
    }
  }

  private fetchCacheFor(gitdir: string): object {
    let cache = this.fetchCaches.get(gitdir);
    if (!cache) this.fetchCaches.set(gitdir, (cache = {}));
    return cache;
  }

  /** keeps the parsed indexes, drops any pack bytes isomorphic-git loaded (and forgets packs that are gone) */
  private async releaseFetchCache(gitdir: string): Promise<void> {
    const cache = this.fetchCaches.get(gitdir) as Record<symbol, unknown> | undefined;
    if (!cache) return;
    for (const sym of Object.getOwnPropertySymbols(cache)) {
      const entries = cache[sym];
      if (!(entries instanceof Map)) {
        delete cache[sym];
        continue;
      }
      for (const [file, pending] of entries as Map<string, Promise<{ pack?: unknown } | undefined>>) {
        const index = await Promise.resolve(pending).catch(() => undefined);
        if (!index || !fs.existsSync(String(file))) entries.delete(file);
        else if (index.pack) index.pack = undefined;
      }
    }
  }

  private async remoteRefs(repo: HttpRepo, transport: HttpTransport, prefix?: string): Promise<Map<string, string>> {
    // HTTP(S): ls-refs in one request (ls-refs.ts); a server that does not answer it so is
    // remembered and asked the ordinary way (advertisement, then ls-refs) from then on
    if (!repo.ssh && this.lsRefsDirect.get(repo.url) !== false) {
      const direct = await lsRefsDirect({ transport, url: repo.url, auth: repo.auth, prefix });
      this.lsRefsDirect.set(repo.url, direct !== undefined);
      if (direct) return direct;
    }
    const refs = await git.listServerRefs({
      http: transport,
      url: repo.url,
      prefix,
      peelTags: true,
      protocolVersion: 2,
      ...authCallbacks(repo.auth),
    });
    const map = new Map<string, string>();
    for (const r of refs) {
      map.set(r.ref, r.oid);
      if (r.peeled) map.set(`${r.ref}^{}`, r.peeled);
    }
    return map;
  }

  private async prepareStore(repo: HttpRepo): Promise<void> {
    const packDir = path.join(repo.gitdir, "objects", "pack");
    if (fs.existsSync(packDir)) {
      const packs = fs.readdirSync(packDir).filter((n) => n.endsWith(".pack")).length;
      if (packs <= (this.opts.maxPacks ?? 50)) return;
      // start over shallow rather than let reads wade through hundreds of packs
      this.readers.get(repo.gitdir)?.close();
      this.readers.delete(repo.gitdir);
      this.fetchCaches.delete(repo.gitdir);
      for (const entry of fs.readdirSync(repo.gitdir)) {
        if (entry !== "syncline-fetch.lock") fs.rmSync(path.join(repo.gitdir, entry), { recursive: true, force: true });
      }
    }
    if (fs.existsSync(path.join(repo.gitdir, "config"))) return;
    await git.init({ fs, gitdir: repo.gitdir, bare: true, defaultBranch: "main" });
    await git.addRemote({ fs, gitdir: repo.gitdir, remote: "origin", url: repo.url, force: true });
  }

  // ---- local repositories ----------------------------------------------------------------

  private async resolveLocalRevision(repo: Repo, branch: string, revision: string | undefined): Promise<{ commit: string; branchHead?: string }> {
    const branchHead = await resolveLocalRef(repo.gitdir, `refs/heads/${branch}`);
    if (!revision || revision === branch) {
      if (!branchHead) throw branchNotFound(branch, repo);
      return { commit: branchHead, branchHead };
    }
    for (const ref of [`refs/tags/${revision}`, `refs/heads/${revision}`]) {
      const oid = await resolveLocalRef(repo.gitdir, ref);
      if (oid) return { commit: await peelToCommit(repo.gitdir, oid), branchHead };
    }
    if (SHORT_SHA.test(revision.toLowerCase()) || FULL_SHA.test(revision.toLowerCase())) {
      const oid = await this.expandLocal(repo.gitdir, revision.toLowerCase());
      if (oid && (await this.hasCommit(repo.gitdir, oid))) return { commit: oid, branchHead };
    }
    throw revisionNotFound(revision, repo);
  }

  // ---- objects ---------------------------------------------------------------------------

  /** the store's pack reader, its pack list current */
  private readerFor(gitdir: string): PackReader {
    let reader = this.readers.get(gitdir);
    if (!reader) {
      reader = new PackReader(gitdir);
      this.readers.set(gitdir, reader);
    }
    reader.refresh();
    return reader;
  }

  private objectSource(repo: Repo): ObjectSource & { release(): void } {
    const reader = this.readerFor(repo.gitdir);
    const cache = {};
    const gitdir = repo.gitdir;
    const r = reader;
    const read = async (oid: string, expect?: GitObjectType): Promise<GitObject> => {
      let obj = safe(() => r.read(oid));
      if (!obj) {
        try {
          const res = await git.readObject({ fs, gitdir, oid, cache, format: "content" });
          obj = { type: res.type as GitObjectType, data: Buffer.from(res.object as Uint8Array) };
        } catch {
          throw new GitError("NOT_FOUND", `object ${oid} is not in the local store of ${repo.display} (fetch it first)`);
        }
      }
      if (expect && obj.type !== expect) throw new GitError("NOT_FOUND", `object ${oid} is a ${obj.type}, not a ${expect}`);
      return obj;
    };
    return {
      read,
      size: async (oid) => safe(() => r.size(oid)) ?? (await read(oid)).data.length,
      release: () => r.releaseMemory(),
    };
  }

  /**
   * Whether our pack reader finds the commit (indexes already loaded; isomorphic-git would parse
   * every pack index again per call, ~20 ms for a 10,000-object pack). A hit is certain; a miss
   * may not be (an object only isomorphic-git reads): where a miss only means a fetch, this is
   * enough, elsewhere hasCommit asks isomorphic-git after a miss.
   */
  private holdsCommit(gitdir: string, oid: string): boolean {
    const reader = this.readerFor(gitdir);
    return safe(() => reader.read(oid))?.type === "commit";
  }

  private async hasCommit(gitdir: string, oid: string): Promise<boolean> {
    if (this.holdsCommit(gitdir, oid)) return true;
    try {
      await git.readCommit({ fs, gitdir, oid });
      return true;
    } catch {
      return false;
    }
  }

  private async expandLocal(gitdir: string, rev: string): Promise<string | undefined> {
    const lower = rev.toLowerCase();
    if (FULL_SHA.test(lower)) return (await this.hasCommit(gitdir, lower)) ? lower : undefined;
    if (!SHORT_SHA.test(lower)) return undefined;
    try {
      const oid = await git.expandOid({ fs, gitdir, oid: lower });
      return (await this.hasCommit(gitdir, oid)) ? oid : undefined;
    } catch (err) {
      if ((err as { code?: string }).code === "AmbiguousError") {
        throw new GitError("REVISION_NOT_FOUND", `revision ${rev} is ambiguous: use more characters of the SHA`);
      }
      return undefined;
    }
  }

  // ---- plumbing --------------------------------------------------------------------------

  private async run<T>(src: RepoSource, fn: (repo: Repo, transport: HttpTransport | undefined) => Promise<T>): Promise<T> {
    if (looksLikeSshUrl(src.repoURL.trim())) return this.runSsh(src, fn);
    const stripped = stripUrlCredentials(src.repoURL.trim());
    const auth = src.auth ?? stripped.auth;
    let transport: HttpTransport | undefined;
    try {
      const repo = this.resolveRepo(stripped.url, auth);
      if (repo.kind === "http") transport = createHttpTransport(this.opts);
      return await fn(repo, transport);
    } catch (err) {
      throw toGitError(err, transport, auth, stripped.url);
    }
  }

  /** SSH: one connection for the whole operation (closed at the end), the same store layout and code paths as HTTP. */
  private async runSsh<T>(src: RepoSource, fn: (repo: Repo, transport: HttpTransport | undefined) => Promise<T>): Promise<T> {
    const parsed = parseSshUrl(src.repoURL.trim());
    if (!parsed.ok) throw new GitError("URL_REFUSED", `repository URL refused: ${parsed.reason}`);
    const name = sshStoreName(parsed.url);
    const display = formatSshUrl(parsed.url);
    const repo: HttpRepo = {
      kind: "http",
      // isomorphic-git only knows http(s): it is given a stand-in URL the SSH transport answers
      url: `https://ssh.syncline.invalid/${crypto.createHash("sha256").update(name).digest("hex")}`,
      display,
      gitdir: path.join(this.opts.cacheDir, crypto.createHash("sha256").update(name).digest("hex")),
      ssh: parsed.url,
    };
    let transport: SshTransport | undefined;
    try {
      transport = createSshTransport(parsed.url, src.ssh, src.trustedHostKeys ?? [], this.opts);
      return await fn(repo, transport);
    } catch (err) {
      throw toGitError(err, transport, undefined, display);
    } finally {
      await transport?.close();
    }
  }

  private resolveRepo(url: string, auth: RepoAuth | undefined): Repo {
    const classified = classifyRepoURL(url, this.opts);
    if (classified.kind === "local") return { kind: "local", display: classified.path, gitdir: findGitdir(classified.path), auth };
    const normalised = normaliseURL(classified.url.toString());
    return {
      kind: "http",
      url: normalised,
      display: normalised,
      gitdir: path.join(this.opts.cacheDir, crypto.createHash("sha256").update(normalised).digest("hex")),
      auth,
    };
  }
}

/** The store of an SSH repository: one per user, host, port and path, whichever URL form names it. */
function sshStoreName(u: SshURL): string {
  // a relative (scp) path is the home directory's: "~/path", as the server reads it
  const p = u.path.startsWith("/") || u.path.startsWith("~") ? u.path : `~/${u.path}`;
  return `ssh://${u.user}@${u.host}:${u.port}/${p}`.replace(/\/+$/, "").replace(/\.git$/, "");
}

function normaliseURL(url: string): string {
  try {
    const u = new URL(url);
    u.hash = "";
    u.search = "";
    return u.toString().replace(/\/+$/, "");
  } catch {
    return url.replace(/\/+$/, "");
  }
}

function authCallbacks(auth: RepoAuth | undefined) {
  return {
    onAuth: () => (auth ? { username: auth.username, password: auth.password } : undefined),
    onAuthFailure: () => ({ cancel: true }),
  };
}

function findGitdir(p: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new GitError("NOT_FOUND", `local repository ${p} not found`);
  }
  if (!stat.isDirectory()) throw new GitError("NOT_FOUND", `local repository ${p} is not a directory`);
  const dotGit = path.join(p, ".git");
  if (fs.existsSync(dotGit)) {
    if (fs.statSync(dotGit).isDirectory()) return dotGit;
    const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(dotGit, "utf8"));
    if (m?.[1]) return path.resolve(p, m[1].trim());
  }
  if (fs.existsSync(path.join(p, "HEAD")) && fs.existsSync(path.join(p, "objects"))) return p;
  throw new GitError("NOT_FOUND", `${p} is not a git repository`);
}

async function resolveLocalRef(gitdir: string, ref: string): Promise<string | undefined> {
  try {
    return await git.resolveRef({ fs, gitdir, ref });
  } catch {
    return undefined;
  }
}

function hasPacks(gitdir: string): boolean {
  try {
    return fs.readdirSync(path.join(gitdir, "objects", "pack")).some((n) => n.endsWith(".pack"));
  } catch {
    return false;
  }
}

async function writeLocalRef(gitdir: string, branch: string, oid: string): Promise<void> {
  await git.writeRef({ fs, gitdir, ref: `refs/heads/${branch}`, value: oid, force: true });
}

async function peelToCommit(gitdir: string, oid: string): Promise<string> {
  let current = oid;
  for (let i = 0; i < 10; i++) {
    const { type, object } = await git.readObject({ fs, gitdir, oid: current });
    if (type === "commit") return current;
    if (type !== "tag") throw new GitError("REVISION_NOT_FOUND", `${oid} does not point at a commit`);
    current = (object as { object: string }).object;
  }
  throw new GitError("REVISION_NOT_FOUND", `tag chain at ${oid} is too long`);
}

function readIfExists(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** git check-ref-format, roughly: enough to keep user input out of paths and options */
function checkRefName(name: string, what: string): void {
  if (
    !name ||
    name.startsWith("-") ||
    name.startsWith("/") ||
    name.endsWith("/") ||
    name.endsWith(".lock") ||
    name.includes("..") ||
    name.includes("//") ||
    name.includes("@{") ||
    /[\x00-\x20~^:?*[\\\x7f]/.test(name)
  ) {
    throw new GitError(what === "branch" ? "BRANCH_NOT_FOUND" : "REVISION_NOT_FOUND", `invalid ${what} name ${JSON.stringify(name)}`);
  }
}

function branchNotFound(branch: string, repo: Repo): GitError {
  return new GitError("BRANCH_NOT_FOUND", `branch ${branch} not found in ${repo.display}`);
}

function notInStore(revision: string, repo: Repo): GitError {
  return new GitError(
    "REVISION_NOT_FOUND",
    `revision ${revision} is not in the local store of ${repo.display} (it was not fetched: fetching history was not allowed for this request)`,
  );
}

/**
 * Breadth-first over every parent from `head`, looking for `target`, at most `max` commits.
 * `truncated`: some commit's parents are not in the store (a shallow boundary, listed in the
 * `shallow` file, or a missing object), so "not found" is not yet an answer.
 */
async function walkHistory(gitdir: string, head: string, target: string, max: number): Promise<{ found: boolean; truncated: boolean; visited: number }> {
  const shallow = new Set((readIfExists(path.join(gitdir, "shallow"))?.toString("latin1") ?? "").split("\n").filter(Boolean));
  const cache = {};
  const seen = new Set([head]);
  const queue = [head];
  let truncated = false;
  let visited = 0;
  for (let i = 0; i < queue.length; i++) {
    if (visited >= max) return { found: false, truncated: true, visited };
    const oid = queue[i]!;
    if (oid === target) return { found: true, truncated, visited };
    visited++;
    let parents: string[];
    try {
      parents = (await git.readCommit({ fs, gitdir, oid, cache })).commit.parent;
    } catch {
      truncated = true;
      continue;
    }
    if (shallow.has(oid)) {
      truncated = true;
      continue;
    }
    for (const p of parents) {
      if (!seen.has(p)) {
        seen.add(p);
        queue.push(p);
      }
    }
  }
  return { found: false, truncated, visited };
}

function revisionNotFound(revision: string, repo: Repo): GitError {
  return new GitError("REVISION_NOT_FOUND", `revision ${revision} not found in ${repo.display}`);
}

/**
 * A commit's message and author from its raw object (`author Name <email> 1700000000 +0000`
 * header, then a blank line, then the message), as isomorphic-git's readCommit gives them;
 * undefined when the object is not in that form (the caller then asks isomorphic-git).
 */
export function parseCommitHeader(data: Uint8Array): { message: string; author: { name: string; email: string; timestamp: number } } | undefined {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8");
  const end = text.indexOf("\n\n");
  const headers = (end < 0 ? text : text.slice(0, end)).split("\n");
  if (headers.some((h) => h.startsWith("encoding "))) return undefined;
  const author = headers.find((h) => h.startsWith("author "));
  const m = author && /^author (.*) <([^<>]*)> (\d+) [+-]\d{4}$/.exec(author);
  if (!m) return undefined;
  return { message: end < 0 ? "" : text.slice(end + 2), author: { name: m[1]!, email: m[2]!, timestamp: Number(m[3]) } };
}

function toCommitInfo(sha: string, c: { message: string; author: { name: string; email: string; timestamp: number } }): CommitInfo {
  return {
    sha,
    message: c.message.trimEnd(),
    author: `${c.author.name} <${c.author.email}>`,
    time: new Date(c.author.timestamp * 1000).toISOString(),
  };
}

const MAX_ERROR_MESSAGE = 500;

function clipMessage(m: string): string {
  return m.length > MAX_ERROR_MESSAGE ? `${m.slice(0, MAX_ERROR_MESSAGE)}… (${m.length - MAX_ERROR_MESSAGE} more characters cut)` : m;
}

/** isomorphic-git's errors for answers that are not the protocol (their messages quote the answer) */
const PROTOCOL_ERRORS = new Set(["ParseError", "InvalidOidError", "EmptyServerResponseError", "UnknownTransportError", "RemoteCapabilityError"]);

/** isomorphic-git's error class names (ParseError, …): a closed set, safe to show. */
function errorName(code: string | undefined): string {
  return code && /^[A-Za-z]{1,40}$/.test(code) ? code : "unknown error";
}

/**
 * Maps anything thrown to a GitError whose message is safe to show. Run errors are read by
 * viewers and sent out in notifications, so nothing a server sent is quoted: not its HTTP
 * reason phrase, not the text isomorphic-git's parser errors echo ("Expected … but received
 * <server bytes>"). Those get fixed sentences with the status code or the error's class name;
 * the original text goes to the server log only (clipped).
 */
function toGitError(err: unknown, transport: HttpTransport | undefined, auth: RepoAuth | undefined, url: string): GitError {
  const clean = (m: string) => clipMessage(redactCredentials(m, auth));
  const failure = transport?.failure;
  if (failure && !(err instanceof GitError && err !== failure && err.code !== "NETWORK")) {
    return new GitError(failure.code, clean(failure.message));
  }
  if (err instanceof GitError) return new GitError(err.code, clean(err.message));
  const e = err as { code?: string; message?: string; data?: { statusCode?: number; what?: string } };
  const where = clean(url);
  switch (e.code) {
    case "UserCanceledError":
      return new GitError("AUTH_FAILED", `authentication failed for ${where}: check the username and token in the secret`);
    case "HttpError": {
      const status = e.data?.statusCode;
      if (status === 401) return new GitError("AUTH_FAILED", `authentication required for ${where}: the repository needs credentials (set a secret)`);
      if (status === 403) return new GitError("AUTH_FAILED", `access to ${where} denied (HTTP 403)`);
      if (status === 404) return new GitError("NOT_FOUND", `repository ${where} not found (HTTP 404)`);
      return new GitError("NETWORK", `the Git server at ${where} answered HTTP ${Number.isInteger(status) ? status : "?"}`);
    }
    case "NotFoundError": {
      // "what" is a ref or object id we asked for; anything else is not echoed
      const what = e.data?.what;
      return new GitError("REVISION_NOT_FOUND", what && /^[\w./@^{}~-]{1,200}$/.test(what) ? `could not find ${what}` : "not found");
    }
    case "SmartHttpError":
      return new GitError("NETWORK", `${where} does not speak the Git smart HTTP protocol`);
    default:
      logger.warn({ repo: where, code: errorName(e.code), err: clean(e.message ?? String(err)) }, "git operation failed");
      return new GitError(
        "INTERNAL",
        `git operation on ${where} failed (${errorName(e.code)}): ${PROTOCOL_ERRORS.has(e.code ?? "") ? "the server's answer is not valid Git protocol" : "see the server log"}`,
      );
  }
}
