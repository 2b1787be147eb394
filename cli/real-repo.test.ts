/**
 * Issue 20 through the CLI against the built server, on a real public repository
 * (test/fixtures/repos/argocd-example-apps served over smart HTTP): `resource diff` on a
 * definition with nothing to sync says what the path holds; `definition add --spec` with
 * gitops.targetNamespace and gitops.exclude syncs every document of the kind with no file
 * problem. Expected counts are read from the bundle here with git + the `yaml` library.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, startAppServer, type AppServer } from "../test/support/app-server";
import { startGitHttpServer, type GitHttpServer } from "../test/support/git-http-server";
import { gitEnv } from "../test/support/git-repo";
import { fixtureBundle } from "../test/support/fixture-repos";
import { runCli, type CliResult } from "./test-support/run-cli";

let server: AppServer;
let gitServer: GitHttpServer;
let token: string;
let tmp: string;
const bare = () => path.join(tmp, "repos", "argocd-example-apps.git");

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { env: { SYNCLINE_SERVER: server.url, SYNCLINE_TOKEN: token, SYNCLINE_CONFIG: path.join(tmp, "unused-config.json") } });
}

/** documents per kind under `dir` at HEAD, files selected by `keep`, read with git + yaml */
function kindsAtHead(dir: string, keep: (f: string) => boolean = () => true): { kinds: Record<string, number>; files: number } {
  const git = (...a: string[]) => execFileSync("git", ["-C", bare(), ...a], { env: gitEnv(), encoding: "utf8" });
  const files = git("ls-tree", "-r", "--name-only", "HEAD", "--", dir)
    .split("\n")
    .filter((f) => /\.(ya?ml|json)$/.test(f) && keep(f));
  const kinds: Record<string, number> = {};
  for (const f of files) {
    for (const d of parseAllDocuments(git("show", `HEAD:${f}`)) as ReturnType<typeof parseAllDocuments> & unknown[]) {
      const v = d.errors.length ? null : (d.toJS() as { kind?: unknown } | null);
      if (v && typeof v.kind === "string") kinds[v.kind] = (kinds[v.kind] ?? 0) + 1;
    }
  }
  return { kinds, files: files.length };
}

function specFile(name: string, kind: string, gitops: Record<string, unknown>): string {
  const file = path.join(tmp, `${name}.json`);
  const def = {
    metadata: { name },
    spec: {
      group: "k8s.io",
      version: "v1",
      names: { kind, plural: `${kind.toLowerCase()}s` },
      scope: "Namespaced",
      gitops: { repoURL: gitServer.url("argocd-example-apps.git"), interval: 3600, ...gitops },
    },
  };
  fs.writeFileSync(file, JSON.stringify(def, null, 2));
  return file;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "syncline-cli-issue20-"));
  fs.mkdirSync(path.join(tmp, "repos"));
  execFileSync("git", ["clone", "-q", "--bare", fixtureBundle("argocd-example-apps"), bare()], { env: gitEnv() });
  [server, gitServer] = await Promise.all([startAppServer({ env: { SYNCLINE_SCHEDULER: "0" } }), startGitHttpServer({ root: path.join(tmp, "repos") })]);
  token = await issueToken(server, "admin", "cli-issue20");
});

afterAll(async () => {
  await server?.stop();
  await gitServer?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("syncline CLI on a real repository (issue 20)", () => {
  it("resource diff on a definition with nothing to sync lists the kinds found and the first problem kinds", async () => {
    const expected = kindsAtHead("sock-shop/base");
    expect((await cli(["resource", "definition", "add", "--spec", specFile("bare.k8s.io", "Deployment", { path: "/sock-shop/base" })])).code).toBe(0);
    const r = await cli(["resource", "diff", "--definition", "bare.k8s.io"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Nothing of kind Deployment to sync. Found under the path:");
    const kindsLine = r.stdout.split("\n").find((l) => l.startsWith("  kinds: "))!;
    for (const [kind, n] of Object.entries(expected.kinds)) expect(kindsLine).toContain(`${kind} × ${n}`);
    expect(r.stdout).toMatch(new RegExp(`  ${expected.kinds.Deployment} × Deployment: metadata\\.namespace is required`));
    expect(r.stdout).toContain("hint: documents of this kind have no metadata.namespace: set spec.gitops.targetNamespace");
  });

  it("definition add --spec with targetNamespace and exclude on the repository root: every Service synced, no file problem", async () => {
    const excluded = (f: string) => /(^|\/)templates\//.test(f);
    const all = kindsAtHead(".");
    const kept = kindsAtHead(".", (f) => !excluded(f));
    const file = specFile("services.k8s.io", "Service", { path: "/sock-shop", targetNamespace: "sock-shop", exclude: ["**/templates/**"] });
    const add = await cli(["resource", "definition", "add", "--spec", file, "-o", "json"]);
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout).spec.gitops).toMatchObject({ targetNamespace: "sock-shop", exclude: ["**/templates/**"] });
    const sync = await cli(["resource", "sync", "--definition", "services.k8s.io", "-o", "json"]);
    expect(sync.code, sync.stderr).toBe(0);
    const { run } = JSON.parse(sync.stdout) as { run: { counts: Record<string, number> } };
    const sockShopServices = kindsAtHead("sock-shop").kinds.Service!;
    expect(run.counts).toMatchObject({ create: sockShopServices, invalid: 0, fileProblems: 0 });
    const ls = await cli(["resource", "ls", "--kind", "Service", "-o", "json"]);
    const items = JSON.parse(ls.stdout) as { metadata: { namespace: string } }[];
    expect(items).toHaveLength(sockShopServices);
    expect(new Set(items.map((i) => i.metadata.namespace))).toEqual(new Set(["sock-shop"]));

    // the root with exclude for the Helm templates: no problem from an excluded file
    const root = specFile("root-svc.k8s.io", "Service", { path: "/", targetNamespace: "demo", exclude: ["**/templates/**", "**/kustomization.yaml"] });
    expect((await cli(["resource", "definition", "add", "--spec", root])).code).toBe(0);
    const diff = await cli(["resource", "diff", "--definition", "root-svc.k8s.io", "-o", "json"]);
    const d = JSON.parse(diff.stdout) as { fileProblems: unknown[]; excludedFiles: { exclude: number } };
    expect(d.fileProblems).toEqual([]);
    expect(d.excludedFiles.exclude).toBe(all.files - kept.files + kindsAtHead(".", (f) => !excluded(f) && /(^|\/)kustomization\.yaml$/.test(f)).files);
  });

  it("a bad glob is refused at save naming the field", async () => {
    const r = await cli(["resource", "definition", "add", "--spec", specFile("bad.k8s.io", "Service", { path: "/", exclude: ["helm/[abc"] })]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/spec\.gitops\.exclude\.0/);
  });
});
