/**
 * PackReader against native git on real packs (the fixture bundles are delta-compressed
 * histories), so delta resolution and header-only sizes are checked object by object.
 */
import crypto from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { catBlob, cloneBare, commitFiles, createRepo, git, makeTempDir } from "../../../test/support/git-repo";
import { fixtureBundle } from "../../../test/support/fixture-repos";
import { PackReader } from "./pack-reader";

function allObjects(gitdir: string): Array<{ oid: string; type: string; size: number }> {
  return git(gitdir, ["cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype) %(objectsize)"])
    .split("\n")
    .map((line) => {
      const [oid = "", type = "", size = "0"] = line.split(" ");
      return { oid, type, size: Number(size) };
    });
}

describe("PackReader", () => {
  for (const bundle of ["argocd-example-apps", "flux2-kustomize-helm-example"]) {
    it(`reads every object of ${bundle} as native git does`, () => {
      const gitdir = cloneBare(fixtureBundle(bundle), path.join(makeTempDir("syncline-pack-"), "r.git"));
      const reader = new PackReader(gitdir);
      reader.refresh();
      const objects = allObjects(gitdir);
      expect(objects.length).toBeGreaterThan(100);
      for (const o of objects) {
        expect(reader.size(o.oid), o.oid).toBe(o.size);
        const obj = reader.read(o.oid)!;
        expect(obj.type).toBe(o.type);
        expect(obj.data.length).toBe(o.size);
        if (o.type === "blob") expect(obj.data.equals(catBlob(gitdir, o.oid))).toBe(true);
        else expect(crypto.createHash("sha1").update(`${o.type} ${o.size}\0`).update(obj.data).digest("hex")).toBe(o.oid);
      }
      reader.close();
    });
  }

  it("reads loose objects and sizes them from the header, and misses cleanly", () => {
    const dir = createRepo(path.join(makeTempDir("syncline-pack-"), "loose"));
    commitFiles(dir, { "a.yaml": "a: 1\n".repeat(1000) }, "loose");
    const oid = git(dir, ["rev-parse", "HEAD:a.yaml"]);
    const reader = new PackReader(path.join(dir, ".git"));
    reader.refresh();
    expect(reader.size(oid)).toBe(5000);
    expect(reader.read(oid)!.data.toString()).toBe("a: 1\n".repeat(1000));
    expect(reader.read("0".repeat(40))).toBeUndefined();
    expect(reader.size("not-an-oid")).toBeUndefined();
  });
});
