/**
 * commitInfo reads a commit's message and author from our pack reader (parseCommitHeader); it
 * must give what isomorphic-git's readCommit gives, for every commit of the real fixture
 * repositories (merges, GitHub's signed commits, multi-line messages).
 */
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import git from "isomorphic-git";
import { describe, expect, it } from "vitest";
import { cloneBare, gitEnv, makeTempDir } from "../../../test/support/git-repo";
import { fixtureBundle } from "../../../test/support/fixture-repos";
import { parseCommitHeader } from "./isomorphic-git-client";

describe("parseCommitHeader", () => {
  for (const bundle of ["argocd-example-apps", "flux2-kustomize-helm-example"]) {
    it(`reads what isomorphic-git reads for every commit of ${bundle}`, async () => {
      const gitdir = cloneBare(fixtureBundle(bundle), path.join(makeTempDir("syncline-commits-"), "r.git"));
      const shas = execFileSync("git", ["rev-list", "--all"], { cwd: gitdir, env: gitEnv() }).toString().trim().split("\n");
      expect(shas.length).toBeGreaterThan(20);
      for (const sha of shas) {
        const raw = execFileSync("git", ["cat-file", "commit", sha], { cwd: gitdir, env: gitEnv() });
        const ours = parseCommitHeader(raw);
        const theirs = (await git.readCommit({ fs, gitdir, oid: sha })).commit;
        expect(ours, sha).toEqual({
          message: theirs.message,
          author: { name: theirs.author.name, email: theirs.author.email, timestamp: theirs.author.timestamp },
        });
      }
    });
  }

  it("reads a signed commit (a multi-line gpgsig header) as isomorphic-git does", async () => {
    const gitdir = path.join(makeTempDir("syncline-signed-"), "r.git");
    execFileSync("git", ["init", "-q", "--bare", gitdir], { env: gitEnv() });
    const emptyTree = execFileSync("git", ["hash-object", "-t", "tree", "-w", "--stdin"], { cwd: gitdir, env: gitEnv(), input: "" }).toString().trim();
    const raw =
      `tree ${emptyTree}\nauthor Ada Lovelace <ada@example.com> 1700000000 +0100\ncommitter Ada Lovelace <ada@example.com> 1700000001 +0100\n` +
      "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n author Not Me <no@example.com> 1 +0000\n -----END PGP SIGNATURE-----\n\nSigned change\n\nwith a body\n";
    const sha = execFileSync("git", ["hash-object", "-t", "commit", "-w", "--stdin"], { cwd: gitdir, env: gitEnv(), input: raw }).toString().trim();
    const theirs = (await git.readCommit({ fs, gitdir, oid: sha })).commit;
    expect(parseCommitHeader(Buffer.from(raw))).toEqual({
      message: theirs.message,
      author: { name: theirs.author.name, email: theirs.author.email, timestamp: theirs.author.timestamp },
    });
    expect(theirs.author.name).toBe("Ada Lovelace");
  });

  it("leaves what it does not read to isomorphic-git (no author line, another encoding)", () => {
    expect(parseCommitHeader(Buffer.from("tree " + "a".repeat(40) + "\n\nno author\n"))).toBeUndefined();
    const latin = `tree ${"a".repeat(40)}\nauthor A <a@x> 1700000000 +0000\ncommitter A <a@x> 1700000000 +0000\nencoding ISO-8859-1\n\nm\n`;
    expect(parseCommitHeader(Buffer.from(latin))).toBeUndefined();
  });
});
