/**
 * The native first fetch: its pack index against `git index-pack` byte for byte (on the
 * delta-compressed fixture histories), and a first fetch over smart HTTP with basic auth that
 * isomorphic-git then builds on (an incremental fetch, reads at both commits).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startGitFixture, type GitFixture } from "../../../test/support/git-fixture";
import { cloneBare, commitFiles, git, makeTempDir } from "../../../test/support/git-repo";
import { fixtureBundle } from "../../../test/support/fixture-repos";
import { DEFAULT_READ_LIMITS, GitError } from "./git-client";
import { IsomorphicGitClient } from "./isomorphic-git-client";
import { indexPack, readUploadPackResult, ShallowFetchUnsupported } from "./shallow-fetch";
import { logger } from "@/lib/server/logger";

function pkt(s: string | Buffer): Buffer {
  const payload = Buffer.isBuffer(s) ? s : Buffer.from(s);
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, "0")), payload]);
}

describe("indexPack", () => {
  for (const bundle of ["argocd-example-apps", "flux2-kustomize-helm-example"]) {
    it(`writes the same .idx as git index-pack for ${bundle} (deltas, every object type)`, async () => {
      const gitdir = cloneBare(fixtureBundle(bundle), path.join(makeTempDir("syncline-idx-"), "r.git"));
      git(gitdir, ["repack", "-a", "-d", "-q"]);
      const packDir = path.join(gitdir, "objects", "pack");
      const packName = fs.readdirSync(packDir).find((n) => n.endsWith(".pack"))!;
      const pack = fs.readFileSync(path.join(packDir, packName));
      const ours = await indexPack(pack);
      expect(ours.objects).toBeGreaterThan(100);
      expect(`pack-${ours.checksum}.pack`).toBe(packName);
      expect(ours.idx.equals(fs.readFileSync(path.join(packDir, packName.replace(/\.pack$/, ".idx"))))).toBe(true);
    });
  }

  it("refuses a pack whose checksum does not match", async () => {
    const gitdir = cloneBare(fixtureBundle("argocd-example-apps"), path.join(makeTempDir("syncline-idx-"), "r.git"));
    const packDir = path.join(gitdir, "objects", "pack");
    const pack = fs.readFileSync(
      path.join(
        packDir,
        fs.readdirSync(packDir).find((n) => n.endsWith(".pack"))!,
      ),
    );
    pack[100] = pack[100]! ^ 0xff;
    await expect(indexPack(pack)).rejects.toThrow(/checksum mismatch/);
  });
});

describe("readUploadPackResult", () => {
  it("reads shallow lines, NAK and side-band data; an error band or ERR line is a GitError", () => {
    const data = Buffer.from("PACKdata");
    const ok = Buffer.concat([
      pkt(`shallow ${"a".repeat(40)}\n`),
      Buffer.from("0000"),
      pkt("NAK\n"),
      pkt(Buffer.concat([Buffer.from([2]), Buffer.from("progress")])),
      pkt(Buffer.concat([Buffer.from([1]), data])),
      Buffer.from("0000"),
    ]);
    expect(readUploadPackResult(ok)).toEqual({ pack: data, shallow: ["a".repeat(40)] });
    const band3 = Buffer.concat([pkt("NAK\n"), pkt(Buffer.concat([Buffer.from([3]), Buffer.from("disk full")]))]);
    expect(() => readUploadPackResult(band3)).toThrow(GitError);
    expect(() => readUploadPackResult(pkt("ERR upload-pack: not our ref\n"))).toThrow(/not our ref/);
    expect(() => readUploadPackResult(Buffer.from("<html>nope</html>"))).toThrow(ShallowFetchUnsupported);
  });
});

describe("first fetch over smart HTTP (basic auth)", () => {
  let fx: GitFixture;
  beforeAll(async () => {
    fx = await startGitFixture({ auth: { username: "bot", password: "s3cret" } });
  });
  afterAll(() => fx.close());

  it("takes the native path, leaves a store isomorphic-git fetches into, and reads the same files as git", async () => {
    const r = fx.repo("native");
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++)
      files[`res/f-${i % 4}/w-${i}.yaml`] = `kind: W\nmetadata:\n  name: w-${i}\nspec:\n  n: ${i}\n  shared: "${"x".repeat(200)}"\n`;
    commitFiles(r.dir, { "README.md": "old history\n" }, "first");
    const head1 = commitFiles(r.dir, files, "300 files");
    const client = new IsomorphicGitClient({ cacheDir: fx.cacheDir });
    const src = { repoURL: r.url, auth: { username: "bot", password: "s3cret" } };
    const fallback = vi.spyOn(logger, "info");

    expect((await client.fetchRevision(src, { branch: "main" })).commit).toBe(head1);
    expect(fallback.mock.calls.filter((c) => String(c[1]).includes("native shallow fetch not possible"))).toEqual([]);
    const store = client.storeDir(r.url);
    expect(fs.readFileSync(path.join(store, "shallow"), "utf8")).toBe(`${head1}\n`);
    // git itself accepts the store: every object reachable from the head is there and sound
    git(store, ["fsck", "--no-dangling", "--connectivity-only"]);
    const listed = await client.listFiles(src, head1, "/res", DEFAULT_READ_LIMITS);
    expect(listed.files).toHaveLength(300);
    const blobs = await client.readBlobs(
      src,
      listed.files.map((f) => f.oid),
    );
    expect(Buffer.from(blobs.get(listed.files.find((f) => f.path === "res/f-1/w-9.yaml")!.oid)!).toString()).toBe(files["res/f-1/w-9.yaml"]);

    // the next fetch is one request too (incrementalFetch: want the head, have ours, our shallow
    // boundary sent along), given the head as a run's no-change check saw it
    const head2 = commitFiles(r.dir, { "res/f-0/w-0.yaml": "kind: W\nmetadata:\n  name: w-0\nspec:\n  n: 1000\n" }, "change one");
    fx.server.resetCounters();
    expect((await client.fetchRevision(src, { branch: "main", branchHead: head2 })).commit).toBe(head2);
    expect(fx.server.requests).toBe(1);
    expect(fallback.mock.calls.filter((c) => String(c[1]).includes("not possible"))).toEqual([]);
    const after = await client.listFiles(src, head2, "/res", DEFAULT_READ_LIMITS);
    const changed = after.files.find((f) => f.path === "res/f-0/w-0.yaml")!;
    expect(Buffer.from((await client.readBlobs(src, [changed.oid])).get(changed.oid)!).toString()).toContain("n: 1000");
    const packs = () => fs.readdirSync(path.join(store, "objects", "pack")).filter((n) => n.endsWith(".pack"));
    expect(packs()).toHaveLength(2);
    // only what changed came over (the new commit, the trees on its path, one blob), not the tree again
    const sizes = packs()
      .map((p) => fs.statSync(path.join(store, "objects", "pack", p)).size)
      .sort((a, b) => a - b);
    expect(sizes[0]).toBeLessThan(sizes[1]! / 4);
    expect(fs.readFileSync(path.join(store, "shallow"), "utf8")).toBe(`${head1}\n`);
    git(store, ["fsck", "--no-dangling", "--connectivity-only"]);

    // a force push (the branch moved off our head onto a sibling of it): still fetched natively, still sound
    git(r.dir, ["reset", "-q", "--hard", head1]);
    const head3 = commitFiles(r.dir, { "res/f-0/w-1.yaml": "kind: W\nmetadata:\n  name: w-1\nspec:\n  n: 7\n" }, "rewritten");
    expect((await client.fetchRevision(src, { branch: "main" })).commit).toBe(head3);
    const rewritten = await client.listFiles(src, head3, "/res", DEFAULT_READ_LIMITS);
    const w1 = rewritten.files.find((f) => f.path === "res/f-0/w-1.yaml")!;
    expect(Buffer.from((await client.readBlobs(src, [w1.oid])).get(w1.oid)!).toString()).toContain("n: 7");
    expect(rewritten.files.find((f) => f.path === "res/f-0/w-0.yaml")).toBeDefined();
    git(store, ["fsck", "--no-dangling", "--connectivity-only"]);
    expect(fallback.mock.calls.filter((c) => String(c[1]).includes("not possible"))).toEqual([]);
    fallback.mockRestore();
  });

  it("with a wrong password fails as the isomorphic-git path does (authentication failed)", async () => {
    const r = fx.repo("denied");
    commitFiles(r.dir, { "a.yaml": "kind: W\n" }, "one");
    const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-") });
    const err = await client.fetchRevision({ repoURL: r.url, auth: { username: "bot", password: "wrong" } }, { branch: "main" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect((err as GitError).code).toBe("AUTH_FAILED");
  });
});
