/**
 * The GitClient against real repositories over smart HTTP (git-http-backend on 127.0.0.1),
 * local repositories in place, and the shared fixture bundles.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "../../../test/support/git-fixture";
import { catBlob, cloneBare, commitFiles, git, lsTreeFiles, makeTempDir, tag } from "../../../test/support/git-repo";
import { fixtureBundle } from "../../../test/support/fixture-repos";
import { DEFAULT_READ_LIMITS, GitError, type RepoSource } from "./git-client";
import { IsomorphicGitClient } from "./isomorphic-git-client";
import { LOCK_FILE_NAME } from "./repo-lock";
import { SourceFilter } from "../../engine/source-filter";

async function codeOf(p: Promise<unknown>): Promise<GitError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(GitError);
    return err as GitError;
  }
  throw new Error("expected a GitError");
}

/** deterministic, incompressible filler so pack sizes reflect file counts */
function noise(seed: number, length: number): string {
  let out = "";
  for (let j = 0; out.length < length; j++) out += crypto.createHash("sha256").update(`${seed}:${j}`).digest("hex");
  return out.slice(0, length);
}

function text(blobs: Map<string, Uint8Array>, oid: string): string {
  return Buffer.from(blobs.get(oid)!).toString("utf8");
}

describe("IsomorphicGitClient over smart HTTP", () => {
  let fx: GitFixture;
  let client: IsomorphicGitClient;
  let dir: string;
  let src: RepoSource;
  const shas: string[] = [];

  beforeAll(async () => {
    fx = await startGitFixture();
    client = new IsomorphicGitClient({ cacheDir: fx.cacheDir });
    const r = fx.repo("apps");
    dir = r.dir;
    src = { repoURL: r.url };
    const many: Record<string, string> = {};
    for (let i = 0; i < 200; i++)
      many[`resources/team-${i % 5}/app-${i}.yaml`] =
        `kind: App\nmetadata:\n  name: app-${i}\nspec:\n  image: "registry/app:${i}"\n  padding: "${noise(i, 400)}"\n`;
    shas.push(commitFiles(dir, { ...many, "README.md": "# apps\n", "other/conf.json": "{}" }, "initial"));
    for (let i = 1; i <= 6; i++) shas.push(commitFiles(dir, { [`resources/history-${i}.json`]: JSON.stringify({ kind: "App", n: i }) }, `history ${i}`));
    tag(dir, "v1.0.0", shas[2], "release 1");
    tag(dir, "light", shas[3]);
  });
  afterAll(() => fx.close());

  it("resolves the branch head without fetching objects", async () => {
    fx.server.resetCounters();
    expect(await client.resolveBranchHead(src, "main")).toBe(shas.at(-1));
    expect(fx.server.bytesSent).toBeLessThan(2000);
    expect(fs.existsSync(client.storeDir(src.repoURL))).toBe(false);
    expect((await codeOf(client.resolveBranchHead(src, "nope"))).code).toBe("BRANCH_NOT_FOUND");
  });

  it("fetches shallow, lists and reads files at the head commit", async () => {
    const { commit, branchHead } = await client.fetchRevision(src, { branch: "main" });
    expect(commit).toBe(shas.at(-1));
    expect(branchHead).toBe(commit);
    const store = client.storeDir(src.repoURL);
    expect(fs.readFileSync(path.join(store, "shallow"), "utf8").trim()).toBe(commit);
    expect(fs.existsSync(path.join(store, "index"))).toBe(false); // never a checkout

    const listed = await client.listFiles(src, commit, "/resources", DEFAULT_READ_LIMITS);
    expect(listed.pathMissing).toBe(false);
    expect(listed.problems).toEqual([]);
    expect(listed.files.map((f) => f.path)).toEqual(lsTreeFiles(dir, commit, "resources").sort());
    expect(listed.treeOid).toBe(git(dir, ["rev-parse", `${commit}:resources`]));
    const blobs = await client.readBlobs(
      src,
      listed.files.map((f) => f.oid),
    );
    for (const f of listed.files) {
      expect(text(blobs, f.oid)).toBe(catBlob(dir, f.oid).toString("utf8"));
      expect(blobs.get(f.oid)!.length).toBe(f.size);
    }
    const root = await client.listFiles(src, commit, "/", DEFAULT_READ_LIMITS);
    expect(root.files.map((f) => f.path)).toContain("other/conf.json");
    expect(root.files.map((f) => f.path)).not.toContain("README.md");
  });

  it("fetches incrementally: a new commit downloads far less than the first fetch", async () => {
    const fresh = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-") });
    fx.server.resetCounters();
    await fresh.fetchRevision(src, { branch: "main" });
    const firstBytes = fx.server.bytesSent;

    const next = commitFiles(dir, { "resources/team-0/app-0.yaml": "kind: App\nmetadata:\n  name: app-0\nspec: {}\n" }, "change one");
    shas.push(next);
    fx.server.resetCounters();
    const { commit } = await fresh.fetchRevision(src, { branch: "main" });
    expect(commit).toBe(next);
    expect(fx.server.bytesSent).toBeLessThan(firstBytes / 10);
    const listed = await fresh.listFiles(src, commit, "/resources/team-0", DEFAULT_READ_LIMITS);
    const app0 = listed.files.find((f) => f.path === "resources/team-0/app-0.yaml")!;
    expect(text(await fresh.readBlobs(src, [app0.oid]), app0.oid)).toContain("spec: {}");

    fx.server.resetCounters();
    await fresh.fetchRevision(src, { branch: "main" }); // nothing new: refs only, no pack
    expect(fx.server.bytesSent).toBeLessThan(2000);
  });

  it("resolves a full SHA, a short SHA, an annotated and a lightweight tag", async () => {
    expect((await client.fetchRevision(src, { branch: "main", revision: shas[4] })).commit).toBe(shas[4]);
    expect((await client.fetchRevision(src, { branch: "main", revision: "v1.0.0" })).commit).toBe(shas[2]);
    expect((await client.fetchRevision(src, { branch: "main", revision: "light" })).commit).toBe(shas[3]);
    const short = await client.fetchRevision(src, { branch: "main", revision: shas[5]!.slice(0, 8) });
    expect(short.commit).toBe(shas[5]);
    expect(short.branchHead).toBe(shas.at(-1));
    const listed = await client.listFiles(src, shas[2]!, "/resources", DEFAULT_READ_LIMITS);
    expect(listed.files.map((f) => f.path)).toContain("resources/history-2.json");
    expect(listed.files.map((f) => f.path)).not.toContain("resources/history-3.json");
    expect((await codeOf(client.fetchRevision(src, { branch: "main", revision: "no-such-tag" }))).code).toBe("REVISION_NOT_FOUND");
    expect((await codeOf(client.fetchRevision(src, { branch: "main", revision: "0".repeat(40) }))).code).toBe("REVISION_NOT_FOUND");
  });

  it("fetches a commit older than the shallow history on demand (rollback)", async () => {
    const fresh = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-"), deepenStep: 2 });
    await fresh.fetchRevision(src, { branch: "main" });
    const shallow = path.join(fresh.storeDir(src.repoURL), "shallow");
    expect(fs.readFileSync(shallow, "utf8").trim()).toBe(shas.at(-1));
    // by full SHA (servers allow wants of reachable commits over HTTP)
    const old = await fresh.fetchRevision(src, { branch: "main", revision: shas[1] });
    expect(old.commit).toBe(shas[1]);
    const files = await fresh.listFiles(src, shas[1]!, "/resources", DEFAULT_READ_LIMITS);
    expect(files.files.map((f) => f.path)).toContain("resources/history-1.json");
    expect(files.files.map((f) => f.path)).not.toContain("resources/history-2.json");
    // by short SHA: cannot be asked for by name, so the store deepens until it appears
    const viaShort = await fresh.fetchRevision(src, { branch: "main", revision: shas[0]!.slice(0, 10) });
    expect(viaShort.commit).toBe(shas[0]);
    expect((await fresh.commitInfo(src, shas[0]!)).message).toBe("initial");
  });

  it("returns commit info and a log, deepening a shallow store when asked for more", async () => {
    const fresh = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-") });
    await fresh.fetchRevision(src, { branch: "main" });
    const info = await fresh.commitInfo(src, shas.at(-1)!);
    expect(info).toMatchObject({ sha: shas.at(-1), message: "change one", author: "Syncline Test <test@syncline.invalid>" });
    expect(info.time).toMatch(/^2024-01-01T12:\d\d:00\.000Z$/);
    const log = await fresh.log(src, "main", 4);
    expect(log.map((c) => c.sha)).toEqual(shas.slice(-4).reverse());
  });

  it("reports a missing path without throwing", async () => {
    const listed = await client.listFiles(src, shas.at(-1)!, "/does/not/exist", DEFAULT_READ_LIMITS);
    expect(listed).toEqual({ files: [], problems: [], pathMissing: true, treeOid: null });
    const underFile = await client.listFiles(src, shas.at(-1)!, "/README.md/x", DEFAULT_READ_LIMITS);
    expect(underFile.pathMissing).toBe(true);
  });

  it("serialises concurrent fetches of one repository and leaves no lock file", async () => {
    const fresh = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-") });
    const results = await Promise.all([
      fresh.fetchRevision(src, { branch: "main" }),
      fresh.fetchRevision(src, { branch: "main", revision: "v1.0.0" }),
      fresh.fetchRevision(src, { branch: "main" }),
    ]);
    expect(results.map((r) => r.commit)).toEqual([shas.at(-1), shas[2], shas.at(-1)]);
    expect(fs.existsSync(path.join(fresh.storeDir(src.repoURL), LOCK_FILE_NAME))).toBe(false);
  });

  it("leaves no lock file and a usable store after a failed fetch", async () => {
    const cacheDir = makeTempDir("syncline-cache-");
    const tiny = new IsomorphicGitClient({ cacheDir, maxResponseBytes: 2000 });
    const err = await codeOf(tiny.fetchRevision(src, { branch: "main" }));
    expect(err.code).toBe("LIMIT_EXCEEDED");
    expect(err.message).toMatch(/maxResponseBytes/);
    const store = tiny.storeDir(src.repoURL);
    expect(fs.existsSync(path.join(store, LOCK_FILE_NAME))).toBe(false);
    expect(fs.existsSync(path.join(store, "shallow"))).toBe(false);
    const ok = new IsomorphicGitClient({ cacheDir });
    expect((await ok.fetchRevision(src, { branch: "main" })).commit).toBe(shas.at(-1));
  });
});

describe("listFiles safety and limits", () => {
  let fx: GitFixture;
  let client: IsomorphicGitClient;
  let src: RepoSource;
  let commit: string;

  beforeAll(async () => {
    fx = await startGitFixture();
    client = new IsomorphicGitClient({ cacheDir: fx.cacheDir });
    const r = fx.repo("tricky");
    src = { repoURL: r.url };
    const sub = fx.repo("sub");
    const subSha = commitFiles(sub.dir, { "x.yaml": "a: 1\n" }, "sub");
    commit = commitFiles(
      r.dir,
      {
        "deploy/ok.yaml": "kind: A\n",
        "deploy/UPPER.YML": "kind: B\n",
        "deploy/data.JSON": "{}",
        "deploy/notes.txt": "not a resource",
        "deploy/passwd.yaml": { symlink: "/etc/passwd" },
        "deploy/escape.yaml": { symlink: "../../../../etc/passwd" },
        "deploy/linked": { symlink: "../outside" },
        "outside/secret.yaml": "kind: Outside\n",
        "deploy/vendor": { gitlink: subSha },
        "deploy/big.yaml": `kind: Big\npad: "${"y".repeat(5000)}"\n`,
      },
      "tricky",
    );
  });
  afterAll(() => fx.close());

  it("skips symlinks (file and directory) and submodules with a problem each, never reading a target", async () => {
    await client.fetchRevision(src, { branch: "main" });
    const listed = await client.listFiles(src, commit, "/deploy", DEFAULT_READ_LIMITS);
    expect(listed.files.map((f) => f.path)).toEqual(["deploy/UPPER.YML", "deploy/big.yaml", "deploy/data.JSON", "deploy/ok.yaml"]);
    const problems = Object.fromEntries(listed.problems.map((p) => [p.path, p.message]));
    expect(problems).toEqual({
      "deploy/passwd.yaml": "symlink skipped; target not read",
      "deploy/escape.yaml": "symlink skipped; target not read",
      "deploy/linked": "symlink skipped; target not read",
      "deploy/vendor": "submodule skipped; its content is not fetched",
    });
    const blobs = await client.readBlobs(
      src,
      listed.files.map((f) => f.oid),
    );
    for (const content of blobs.values()) expect(Buffer.from(content).toString()).not.toMatch(/root:|Outside/);
  });

  it("reports a file over maxFileBytes with its size and the limit, without returning it", async () => {
    const listed = await client.listFiles(src, commit, "/deploy", { ...DEFAULT_READ_LIMITS, maxFileBytes: 1000 });
    expect(listed.files.map((f) => f.path)).not.toContain("deploy/big.yaml");
    const big = listed.problems.find((p) => p.path === "deploy/big.yaml")!;
    expect(big.message).toMatch(/5\d{3} bytes/);
    expect(big.message).toMatch(/maxFileBytes limit of 1000 bytes/);
  });

  it("throws LIMIT_EXCEEDED naming maxFiles or maxTotalBytes", async () => {
    const tooMany = await codeOf(client.listFiles(src, commit, "/", { ...DEFAULT_READ_LIMITS, maxFiles: 3 }));
    expect(tooMany.code).toBe("LIMIT_EXCEEDED");
    expect(tooMany.message).toMatch(/maxFiles limit is 3/);
    const tooBig = await codeOf(client.listFiles(src, commit, "/deploy", { ...DEFAULT_READ_LIMITS, maxTotalBytes: 4096 }));
    expect(tooBig.code).toBe("LIMIT_EXCEEDED");
    expect(tooBig.message).toMatch(/maxTotalBytes limit of 4096 bytes/);
  });

  it("with a filter (issue 20): excluded files are counted with their reason, never listed, and do not count against maxFiles", async () => {
    await client.fetchRevision(src, { branch: "main" });
    const filter = new SourceFilter({ path: "/deploy", exclude: ["big.yaml", "*.yaml"] });
    const listed = await client.listFiles(src, commit, "/deploy", { ...DEFAULT_READ_LIMITS, maxFiles: 2, maxFileBytes: 1000 }, filter);
    expect(listed.files.map((f) => f.path)).toEqual(["deploy/UPPER.YML", "deploy/data.JSON"]);
    // a symlink or submodule left out by exclude is not reported; one no glob selects still is
    expect(listed.problems.map((p) => p.path).sort()).toEqual(["deploy/linked", "deploy/vendor"]);
    expect(listed.excludedCounts).toEqual({ exclude: 4, sourceignore: 0, include: 0 });
    expect(listed.excluded).toContainEqual({ path: "deploy/big.yaml", reason: { source: "exclude", pattern: "big.yaml" } });
    expect(listed.excluded).toContainEqual({ path: "deploy/passwd.yaml", reason: { source: "exclude", pattern: "*.yaml" } });
  });
});

describe("credentials", () => {
  const auth = { username: "robot", password: "s3cr3t-t0ken-value" };
  let fx: GitFixture;
  let url: string;
  let head: string;

  beforeAll(async () => {
    fx = await startGitFixture({ auth });
    const r = fx.repo("private");
    url = r.url;
    head = commitFiles(r.dir, { "a.yaml": "kind: A\n" }, "private");
  });
  afterAll(() => fx.close());

  it("authenticates with basic auth through onAuth only", async () => {
    const client = new IsomorphicGitClient({ cacheDir: fx.cacheDir });
    expect(await client.resolveBranchHead({ repoURL: url, auth }, "main")).toBe(head);
    expect((await client.fetchRevision({ repoURL: url, auth }, { branch: "main" })).commit).toBe(head);
    const store = client.storeDir(url);
    const config = fs.readFileSync(path.join(store, "config"), "utf8");
    expect(config).not.toContain(auth.password);
    expect(config).not.toContain("robot");
    for (const file of fs.readdirSync(store, { recursive: true }) as string[]) {
      const full = path.join(store, file);
      if (fs.statSync(full).isFile()) expect(fs.readFileSync(full).includes(auth.password)).toBe(false);
    }
  });

  it("takes user:pass from the URL but keys the store and messages without it", async () => {
    const client = new IsomorphicGitClient({ cacheDir: fx.cacheDir });
    const withCreds = url.replace("http://", `http://${auth.username}:${auth.password}@`);
    expect(client.storeDir(withCreds)).toBe(client.storeDir(url));
    expect((await client.fetchRevision({ repoURL: withCreds }, { branch: "main" })).commit).toBe(head);
    const wrongInUrl = url.replace("http://", `http://${auth.username}:wrong-password-123@`);
    const err = await codeOf(client.fetchRevision({ repoURL: wrongInUrl }, { branch: "main" }));
    expect(err.code).toBe("AUTH_FAILED");
    expect(err.message).not.toContain("wrong-password-123");
  });

  it("fails with AUTH_FAILED and no secret in the message on a wrong or missing password", async () => {
    const client = new IsomorphicGitClient({ cacheDir: fx.cacheDir });
    const wrong = { username: "robot", password: "definitely-wrong-pw" };
    const attempts = [
      () => client.fetchRevision({ repoURL: url, auth: wrong }, { branch: "main" }),
      () => client.resolveBranchHead({ repoURL: url, auth: wrong }, "main"),
    ];
    for (const attempt of attempts) {
      const err = await codeOf(attempt());
      expect(err.code).toBe("AUTH_FAILED");
      expect(err.message).not.toContain(wrong.password);
      expect(err.message).not.toContain(Buffer.from(`robot:${wrong.password}`).toString("base64"));
    }
    const none = await codeOf(client.resolveBranchHead({ repoURL: url }, "main"));
    expect(none.code).toBe("AUTH_FAILED");
    expect(none.message).toMatch(/needs credentials/);
  });
});

describe("local repositories", () => {
  let dir: string;
  let bare: string;
  let c1: string;
  let c2: string;
  // local paths are off unless an admin allows them (SYNCLINE_ALLOW_LOCAL_REPOS=1)
  const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-"), allowLocal: true });

  beforeAll(async () => {
    const { createRepo } = await import("../../../test/support/git-repo");
    dir = createRepo(path.join(makeTempDir("syncline-local-"), "repo"));
    c1 = commitFiles(dir, { "app/a.yaml": "kind: A\n" }, "one");
    tag(dir, "v1", c1, "v1");
    c2 = commitFiles(dir, { "app/b.json": "{}", "app/up.yaml": { symlink: "../../../etc/passwd" } }, "two");
    git(dir, ["gc", "-q"]); // packed objects and packed refs, as a real local repo has
    commitFiles(dir, { "app/c.yml": "c: 1\n" }, "three (loose)");
    bare = cloneBare(dir, path.join(makeTempDir("syncline-local-"), "repo.git"));
  });

  it("reads a non-bare repo by absolute path and by file:// URL, with no store created", async () => {
    for (const repoURL of [dir, `file://${dir}`]) {
      const src = { repoURL };
      const { commit } = await client.fetchRevision(src, { branch: "main" });
      expect(commit).toBe(await client.resolveBranchHead(src, "main"));
      const listed = await client.listFiles(src, commit, "/app", DEFAULT_READ_LIMITS);
      expect(listed.files.map((f) => f.path)).toEqual(["app/a.yaml", "app/b.json", "app/c.yml"]);
      expect(listed.problems).toEqual([{ path: "app/up.yaml", message: "symlink skipped; target not read" }]);
      const blobs = await client.readBlobs(
        src,
        listed.files.map((f) => f.oid),
      );
      expect(text(blobs, listed.files[2]!.oid)).toBe("c: 1\n");
      expect((await client.fetchRevision(src, { branch: "main", revision: "v1" })).commit).toBe(c1);
      expect((await client.fetchRevision(src, { branch: "main", revision: c2.slice(0, 7) })).commit).toBe(c2);
    }
    expect(fs.existsSync(client.storeDir(dir))).toBe(false);
  });

  it("reads a bare repo and reports a missing one", async () => {
    const { commit } = await client.fetchRevision({ repoURL: bare }, { branch: "main" });
    expect((await client.log({ repoURL: bare }, "main", 10)).map((c) => c.message)).toEqual(["three (loose)", "two", "one"]);
    expect((await client.listFiles({ repoURL: bare }, commit, "/app", DEFAULT_READ_LIMITS)).files).toHaveLength(3);
    expect((await codeOf(client.fetchRevision({ repoURL: "/no/such/repo" }, { branch: "main" }))).code).toBe("NOT_FOUND");
  });
});

describe("fixture bundles", () => {
  let fx: GitFixture;
  let bare: string;

  beforeAll(async () => {
    fx = await startGitFixture();
    bare = cloneBare(fixtureBundle("argocd-example-apps"), path.join(fx.root, "argocd.git"));
  });
  afterAll(() => fx.close());

  it("lists /sock-shop/base of argocd-example-apps as native git does, and reads every blob", async () => {
    const client = new IsomorphicGitClient({ cacheDir: fx.cacheDir });
    const src = { repoURL: fx.server.url("argocd.git") };
    const { commit } = await client.fetchRevision(src, { branch: "main" });
    expect(commit).toBe(git(bare, ["rev-parse", "main"]));
    const expected = lsTreeFiles(bare, commit, "sock-shop/base").filter((p) => /\.(json|ya?ml)$/i.test(p));
    expect(expected.length).toBeGreaterThan(0);
    const listed = await client.listFiles(src, commit, "/sock-shop/base", DEFAULT_READ_LIMITS);
    expect(listed.files.map((f) => f.path).sort()).toEqual(expected.sort());
    const blobs = await client.readBlobs(
      src,
      listed.files.map((f) => f.oid),
    );
    for (const f of listed.files) expect(text(blobs, f.oid)).toBe(catBlob(bare, f.oid).toString("utf8"));

    // roll back through the history: an early commit, fetched on demand
    const first = git(bare, ["rev-list", "--max-parents=0", "main"]);
    expect((await client.fetchRevision(src, { branch: "main", revision: first })).commit).toBe(first);
    const all = await client.listFiles(src, first, "/", DEFAULT_READ_LIMITS);
    expect(all.files.map((f) => f.path).sort()).toEqual(
      lsTreeFiles(bare, first)
        .filter((p) => /\.(json|ya?ml)$/i.test(p))
        .sort(),
    );
  });
});
