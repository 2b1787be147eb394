/**
 * The real public GitOps repositories kept as Git bundles in test/fixtures/repos (sources and
 * licence in its README), so a clean clone runs the tests that read them.
 */
import fs from "node:fs";
import path from "node:path";

const dir = path.resolve(import.meta.dirname, "..", "fixtures", "repos");

/** The absolute path of a fixture bundle (e.g. "argocd-example-apps"); throws naming the path when it is missing. */
export function fixtureBundle(name: string): string {
  const file = path.join(dir, `${name}.bundle`);
  if (!fs.existsSync(file)) throw new Error(`fixture bundle missing: ${file} (see test/fixtures/repos/README.md)`);
  return file;
}
