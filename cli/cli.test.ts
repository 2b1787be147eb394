/**
 * The `syncline` binary end to end: `node bin/syncline.js …` as a child process against the
 * built server (`next start`, embedded store) syncing from a Git repo served on 127.0.0.1.
 * One server for the file; the tests run in order and build on each other like the seed's
 * workflow: add the definition, dry-run, diff, sync, inspect, change Git, roll back, resume.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { freePort, issueToken, startAppServer, type AppServer } from "../test/support/app-server";
import { startGitFixture, type GitFixture } from "../test/support/git-fixture";
import { commitFiles } from "../test/support/git-repo";
import { runCli, runCliInTty, type CliResult } from "./test-support/run-cli";

const root = path.resolve(import.meta.dirname, "..");
const EXAMPLE = path.join(root, "examples", "deployments.example.io.json");
const DEF = "deployments.example.io";

let server: AppServer;
let git: GitFixture;
let repoDir: string;
let repoURL: string;
let token: string;
let tmp: string;
/** commits and runs, filled in as the workflow proceeds */
const state: { commit1?: string; commit2?: string; syncRun1?: string; syncRun2?: string } = {};

/** The CLI as the test's admin: server and token from the environment, no config file. */
function cli(args: string[], opts: { env?: Record<string, string | undefined>; input?: string } = {}): Promise<CliResult> {
  return runCli(args, {
    ...opts,
    env: { SYNCLINE_SERVER: server.url, SYNCLINE_TOKEN: token, SYNCLINE_CONFIG: path.join(tmp, "unused-config.json"), ...opts.env },
  });
}

function json<T = unknown>(r: CliResult): T {
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** An expected failure: exactly one `error: …` line on stderr, no stack trace. */
function expectOneLineError(r: CliResult, code: number, pattern: RegExp): void {
  expect(r.code).toBe(code);
  expect(r.stderr).toMatch(/^error: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const app1 = (replicas: number) =>
  JSON.stringify(
    {
      kind: "Deployment",
      metadata: { name: "my-app-deployment", namespace: "production", labels: { app: "my-app" } },
      spec: { image: "myapp:v1.2.3", replicas },
    },
    null,
    2,
  ) + "\n";

const MORE_YAML = `kind: Deployment
metadata:
  name: web
  namespace: staging
  labels:
    app: web
spec:
  image: web:1.0
  replicas: 1
---
kind: Deployment
metadata:
  name: api
  namespace: production
spec:
  image: api:2.0
  replicas: 2
`;

interface Resource {
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  spec: { replicas?: number; image?: string };
  status: { gitSync: { lastSyncTime: string | null; lastCommitSHA: string | null; syncError: string }; drifted: boolean };
}
interface Run {
  id: string;
  phase: string;
  trigger: string;
  dryRun: boolean;
  commit: string;
  counts: Record<string, number>;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "syncline-cli-test-"));
  git = await startGitFixture();
  const repo = git.repo("deployments");
  repoDir = repo.dir;
  repoURL = repo.url;
  state.commit1 = commitFiles(
    repoDir,
    { "README.md": "# deployments\n", "resources/app1.json": app1(3), "resources/more.yaml": MORE_YAML },
    "three deployments",
  );
  server = await startAppServer({ env: { SYNCLINE_SCHEDULER: "0" } });
  token = await issueToken(server, "admin", "cli-tests");
});

afterAll(async () => {
  await server?.stop();
  await git?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("syncline CLI (real binary, real server)", () => {
  it("has --help with examples on every command", async () => {
    const commands = [
      [],
      ["login"],
      ["resource"],
      ["resource", "definition", "add"],
      ["resource", "definition", "ls"],
      ["resource", "definition", "get"],
      ["resource", "definition", "delete"],
      ["resource", "sync"],
      ["resource", "diff"],
      ["resource", "compare"],
      ["resource", "ls"],
      ["resource", "get"],
      ["resource", "apply"],
      ["resource", "delete"],
      ["resource", "history"],
      ["resource", "rollback"],
      ["resource", "resume"],
      ["run", "get"],
    ];
    const results = await Promise.all(commands.map((c) => runCli([...c, "--help"])));
    results.forEach((r, i) => {
      expect(r.code, commands[i]!.join(" ")).toBe(0);
      expect(r.stdout, commands[i]!.join(" ")).toContain("Examples:");
      expect(r.stdout).toContain("$ syncline");
    });
    expect(results[7]!.stdout).toMatch(/--dry-run/);
    expect(results[9]!.stdout).toMatch(/-o, --output <format>/);
  });

  it("accepts the seed's example definition file as is", async () => {
    const add = await cli(["resource", "definition", "add", "--spec", EXAMPLE]);
    expect(add.stderr).toBe("");
    expect(add.code).toBe(0);
    expect(add.stdout).toContain(`definition ${DEF} added (kind Deployment)`);
    const got = json<{ metadata: { name: string }; spec: { gitops: { repoURL: string; path: string }; scope: string } }>(
      await cli(["resource", "definition", "get", DEF, "-o", "json"]),
    );
    expect(got.metadata.name).toBe(DEF);
    expect(got.spec.gitops.repoURL).toBe("https://github.com/example/deployments.git");
    expect(got.spec.gitops.path).toBe("/resources");
    const again = await cli(["resource", "definition", "add", "--spec", EXAMPLE]);
    expectOneLineError(again, 1, /already exists/);
    const del = await cli(["resource", "definition", "delete", DEF]);
    expect(del.code).toBe(0);
    expect(del.stdout).toContain(`definition ${DEF} deleted`);
    expectOneLineError(await cli(["resource", "definition", "get", DEF]), 1, /not found/);
  });

  it("adds the example pointed at the served repo (as YAML) and lists it", async () => {
    const def = JSON.parse(fs.readFileSync(EXAMPLE, "utf8"));
    def.spec.gitops.repoURL = repoURL;
    const file = path.join(tmp, "deployments.example.io.yaml");
    fs.writeFileSync(file, YAML.stringify(def));
    const add = await cli(["resource", "definition", "add", "--spec", file]);
    expect(add.code).toBe(0);
    const ls = await cli(["resource", "definition", "ls"]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/^NAME\s+KIND\s+STATUS\s+LAST SYNC\s+APPLIED\s+HEAD\s+AUTO-SYNC\s+PINNED\s+SUSPENDED\s+REPO\s+BRANCH\s+PATH/);
    expect(ls.stdout).toMatch(
      new RegExp(
        `${DEF.replace(/\./g, "\\.")}\\s+Deployment\\s+Unknown\\s+never\\s+-\\s+-\\s+no\\s+-\\s+no\\s+${repoURL.replace(/[.]/g, "\\.")}\\s+main\\s+/resources`,
      ),
    );
    const asYaml = await cli(["resource", "definition", "ls", "-o", "yaml"]);
    expect(asYaml.code).toBe(0);
    expect((YAML.parse(asYaml.stdout) as { metadata: { name: string } }[]).map((d) => d.metadata.name)).toEqual([DEF]);
  });

  it("refuses an invalid definition with the server's field messages on one line", async () => {
    const file = path.join(tmp, "bad-def.json");
    fs.writeFileSync(
      file,
      JSON.stringify({ metadata: { name: "x.example.io" }, spec: { group: "example.io", version: "v1", names: { kind: "lower" }, scope: "Galaxy" } }),
    );
    const r = await cli(["resource", "definition", "add", "--spec", file]);
    expectOneLineError(r, 1, /invalid ResourceDefinition: .*spec\.names\.kind: kind must be a PascalCase.*spec\.scope/);
  });

  it("sync --dry-run prints the plan and changes nothing", async () => {
    const r = await cli(["resource", "sync", "--definition", DEF, "--dry-run"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Plan for ${DEF} at main @ ${state.commit1!.slice(0, 7)} (three deployments)`);
    expect(r.stdout).toMatch(/\+ create\s+Deployment production\/my-app-deployment\s+resources\/app1\.json:1/);
    expect(r.stdout).toMatch(/\+ create\s+Deployment staging\/web\s+resources\/more\.yaml:1/);
    expect(r.stdout).toMatch(/\+ create\s+Deployment production\/api\s+resources\/more\.yaml:11/);
    expect(r.stdout).toContain("3 to create, 0 to update, 0 to delete, 0 unchanged, 0 invalid");
    expect(r.stdout).toMatch(/Dry run started: run [0-9a-f-]{36}/);
    expect(r.stdout).toMatch(/Run [0-9a-f-]{36} Succeeded at [0-9a-f]{7} \(three deployments\) — dry run/);
    expect(r.stdout).toContain("would have: 3 created");
    // not a terminal: no carriage-return redraws
    expect(r.stdout).not.toContain("\r");
    expect(json<Resource[]>(await cli(["resource", "ls", "--kind", "Deployment", "-o", "json"]))).toEqual([]);
  });

  it("diff exits 1 with a unified diff when Git and the store differ", async () => {
    const r = await cli(["resource", "diff", "--definition", DEF]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("create Deployment production/my-app-deployment  (resources/app1.json:1)");
    expect(r.stdout).toContain("--- /dev/null\n+++ git/resources/app1.json\n@@ -0,0 +1,");
    expect(r.stdout).toMatch(/^\+\s+replicas: 3$/m);
    expect(r.stdout).toMatch(/^\+\s+image: myapp:v1\.2\.3$/m);
    expect(r.stdout).toContain("3 to create");
    expect(r.stdout).not.toContain("\u001b["); // NO_COLOR and not a TTY
    const coloured = await cli(["resource", "diff", "--definition", DEF], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } });
    expect(coloured.code).toBe(1);
    expect(coloured.stdout).toMatch(/\u001b\[32m\+\s+replicas: 3\u001b\[39m/);
  });

  it("sync applies the plan, follows the run with plain progress lines and prints the result", async () => {
    const r = await cli(["resource", "sync", "--definition", DEF]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("3 to create");
    const id = /Sync started: run ([0-9a-f-]{36})/.exec(r.stdout)?.[1];
    expect(id).toBeDefined();
    state.syncRun1 = id;
    expect(r.stdout).toMatch(new RegExp(`Run ${id} Succeeded at ${state.commit1!.slice(0, 7)} \\(three deployments\\) — sync`));
    expect(r.stdout).toContain("3 created, 0 updated, 0 deleted, 0 unchanged, 0 invalid, 0 skipped");
    expect(r.stdout).toContain(`resolved commit ${state.commit1}`); // the run log, streamed as plain lines
    expect(r.stdout).not.toContain("\r");
  });

  it("diff exits 0 after the sync", async () => {
    const r = await cli(["resource", "diff", "--definition", DEF]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("In sync: 0 to create, 0 to update, 0 to delete, 3 unchanged, 0 invalid");
    expect(r.stdout).not.toContain("+++");
    const asJson = await cli(["resource", "diff", "--definition", DEF, "-o", "json"]);
    expect(asJson.code).toBe(0);
    expect(JSON.parse(asJson.stdout).counts).toMatchObject({ create: 0, update: 0, delete: 0, unchanged: 3, invalid: 0 });
  });

  it("ls --kind Deployment -o json returns the seed's shape with status.gitSync", async () => {
    const items = json<Resource[]>(await cli(["resource", "ls", "--kind", "Deployment", "-o", "json"]));
    expect(items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`).sort()).toEqual(["production/api", "production/my-app-deployment", "staging/web"]);
    const app = items.find((i) => i.metadata.name === "my-app-deployment")!;
    expect(app).toMatchObject({
      kind: "Deployment",
      metadata: { name: "my-app-deployment", namespace: "production", labels: { app: "my-app" } },
      spec: { image: "myapp:v1.2.3", replicas: 3 },
      status: { gitSync: { lastCommitSHA: state.commit1, syncError: "" } },
    });
    expect(Date.parse(app.status.gitSync.lastSyncTime!)).toBeGreaterThan(Date.now() - 5 * 60_000);
  });

  it("ls prints a table with sync status, drift, last sync, short commit and sync error; filters by namespace and label", async () => {
    const r = await cli(["resource", "ls", "--kind", "Deployment"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+SYNC\s+HEALTH\s+DRIFT\s+LAST-SYNC\s+LAST-COMMIT\s+SYNC-ERROR$/);
    expect(lines).toHaveLength(4);
    expect(r.stdout).toMatch(new RegExp(`production\\s+my-app-deployment\\s+Synced\\s+-\\s+no\\s+\\d+s\\s+${state.commit1!.slice(0, 7)}\\s+-`));
    const byLabel = json<Resource[]>(await cli(["resource", "ls", "--kind", "Deployment", "-l", "app=web", "-o", "json"]));
    expect(byLabel.map((i) => i.metadata.name)).toEqual(["web"]);
    const byNs = json<Resource[]>(await cli(["resource", "ls", "--kind", "Deployment", "-n", "production", "-o", "json"]));
    expect(byNs.map((i) => i.metadata.name).sort()).toEqual(["api", "my-app-deployment"]);
    const none = await cli(["resource", "ls", "--kind", "Deployment", "-n", "nowhere"]);
    expect(none.stdout).toBe("No resources found of kind Deployment.\n");
  });

  it("sync of a changed repo prints updates, invalid documents and broken files with file:line", async () => {
    state.commit2 = commitFiles(
      repoDir,
      {
        "resources/app1.json": app1(5),
        "resources/bad.yaml": "kind: Deployment\nmetadata:\n  name: bad-labels\n  namespace: production\n  labels:\n    replicas: 3\nspec:\n  replicas: 1\n",
        "resources/broken.json": '{\n  "kind": "Deployment",\n  "metadata": \n}\n',
      },
      "scale my-app to 5",
    );
    const r = await cli(["resource", "sync", "--definition", DEF]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/~ update\s+Deployment production\/my-app-deployment\s+resources\/app1\.json:1/);
    expect(r.stdout).toMatch(/! invalid\s+Deployment production\/bad-labels\s+resources\/bad\.yaml:1: metadata\.labels\.replicas must be a string\n/);
    expect(r.stdout).toMatch(/! file\s+resources\/broken\.json:\d+(:\d+)?: /);
    expect(r.stdout).toContain("0 to create, 1 to update, 0 to delete, 2 unchanged, 1 invalid, 1 file problem");
    // one invalid resource and one broken file: "Succeeded with 2 problems" (issue 21), not a plain green Succeeded
    expect(r.stdout).toMatch(/Succeeded with 2 problems at [0-9a-f]{7} \(scale my-app to 5\)/);
    expect(r.stdout).toContain("problems: 1 invalid resources refused, 1 file skipped");
    expect(r.code).toBe(0);
    state.syncRun2 = /Sync started: run ([0-9a-f-]{36})/.exec(r.stdout)?.[1];
    const app = json<Resource>(await cli(["resource", "get", "Deployment", "my-app-deployment", "-n", "production", "-o", "json"]));
    expect(app.spec.replicas).toBe(5);
    expect(app.status.gitSync.lastCommitSHA).toBe(state.commit2);
    // an invalid document still in Git keeps the diff non-zero (a CI gate should notice)
    expect((await cli(["resource", "diff", "--definition", DEF])).code).toBe(1);
  });

  it("history lists the runs newest first, recorded with trigger cli", async () => {
    const runs = json<Run[]>(await cli(["resource", "history", "--definition", DEF, "-o", "json"]));
    expect(runs.map((r) => r.id).slice(0, 2)).toEqual([state.syncRun2, state.syncRun1]);
    expect(runs).toHaveLength(3);
    expect(runs.every((r) => r.trigger === "cli")).toBe(true);
    expect(runs[2]!.dryRun).toBe(true);
    const table = await cli(["resource", "history", "--definition", DEF]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^RUN\s+PHASE\s+TRIGGER\s+BY\s+DRY-RUN\s+COMMIT/);
    expect(table.stdout).toMatch(new RegExp(`${state.syncRun1}\\s+Succeeded\\s+cli\\s+\\S+\\s+no\\s+${state.commit1!.slice(0, 7)}\\s+3\\s+0\\s+0\\s+0`));
  });

  it("run get shows the result, log and changes", async () => {
    const r = await cli(["run", "get", state.syncRun2!]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Run ${state.syncRun2} Succeeded with 2 problems at ${state.commit2!.slice(0, 7)}`));
    expect(r.stdout).toContain(`definition: ${DEF}   trigger: cli`);
    expect(r.stdout).toContain("Log:");
    expect(r.stdout).toMatch(/update\s+Deployment production\/my-app-deployment\s+resources\/app1\.json:1/);
    const asYaml = YAML.parse((await cli(["run", "get", state.syncRun2!, "-o", "yaml"])).stdout);
    expect(asYaml).toMatchObject({ id: state.syncRun2, phase: "Succeeded", commit: state.commit2, counts: { update: 1, invalid: 1 } });
    expectOneLineError(await cli(["run", "get", "00000000-0000-4000-8000-000000000000"]), 1, /not found/);
  });

  it("rollback to a run ID pins the definition at that commit; resume unpins it", async () => {
    const r = await cli(["resource", "rollback", "--definition", DEF, "--to", state.syncRun1!]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Run [0-9a-f-]{36} Succeeded at ${state.commit1!.slice(0, 7)}`));
    expect(r.stdout).toContain(`${DEF} is pinned to ${state.commit1!.slice(0, 7)}`);
    const app = json<Resource>(await cli(["resource", "get", "Deployment", "my-app-deployment", "-n", "production", "-o", "json"]));
    expect(app.spec.replicas).toBe(3);
    const def = json<{ status: { pinnedRevision: string } }>(await cli(["resource", "definition", "get", DEF, "-o", "json"]));
    expect(def.status.pinnedRevision).toBe(state.commit1);

    const resume = await cli(["resource", "resume", "--definition", DEF]);
    expect(resume.code).toBe(0);
    expect(resume.stdout).toBe(`${DEF} resumed: the next sync follows its branch again\n`);
    const after = json<{ status: { pinnedRevision: string | null } }>(await cli(["resource", "definition", "get", DEF, "-o", "json"]));
    expect(after.status.pinnedRevision).toBeNull();
    expectOneLineError(await cli(["resource", "resume", "--definition", DEF]), 1, /is not pinned/);
  });

  it("rollback to a commit SHA waits for the run; a bad --to is a usage error", async () => {
    const r = await cli(["resource", "rollback", "--definition", DEF, "--to", state.commit1!.slice(0, 10), "-o", "json"]);
    const run = json<Run>(r);
    expect(run).toMatchObject({ phase: "Succeeded", commit: state.commit1, trigger: "rollback" });
    await cli(["resource", "resume", "--definition", DEF]);
    const sync = await cli(["resource", "sync", "--definition", DEF, "-o", "json"]);
    expect(json<{ run: Run }>(sync).run).toMatchObject({ phase: "Succeeded", commit: state.commit2, counts: { update: 1 } });
    expectOneLineError(await cli(["resource", "rollback", "--definition", DEF, "--to", "main~1"]), 2, /--to must be a commit SHA .* or a run ID/);
  });

  it("apply creates or replaces from YAML, get shows it, delete removes it", async () => {
    const file = path.join(tmp, "apply.yaml");
    fs.writeFileSync(
      file,
      `kind: Deployment
metadata:
  name: manual-app
  namespace: manual
spec:
  image: manual:1
  replicas: 1
---
kind: Deployment
metadata:
  name: web
  namespace: staging
  labels:
    app: web
spec:
  image: web:hotfix
  replicas: 4
`,
    );
    const first = await cli(["resource", "apply", "-f", file]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("Deployment manual/manual-app created\nDeployment staging/web updated\n");
    const second = await cli(["resource", "apply", "-f", file]);
    expect(second.stdout).toBe("Deployment manual/manual-app updated\nDeployment staging/web updated\n");

    const manual = YAML.parse((await cli(["resource", "get", "Deployment", "manual-app", "-n", "manual"])).stdout) as Resource;
    expect(manual).toMatchObject({ kind: "Deployment", metadata: { name: "manual-app", namespace: "manual" }, spec: { image: "manual:1", replicas: 1 } });
    // a Git-managed resource changed by hand shows as drifted until the next sync
    const ls = await cli(["resource", "ls", "--kind", "Deployment", "-n", "staging"]);
    expect(ls.stdout).toMatch(/staging\s+web\s+OutOfSync\s+-\s+yes\s+/);
    const diff = await cli(["resource", "diff", "--definition", DEF]);
    expect(diff.stdout).toMatch(/^-\s+replicas: 4$/m);
    expect(diff.stdout).toMatch(/^\+\s+replicas: 1$/m);

    const del = await cli(["resource", "delete", "Deployment", "manual-app", "-n", "manual"]);
    expect(del.code).toBe(0);
    expect(del.stdout).toBe("Deployment manual/manual-app deleted\n");
    expectOneLineError(await cli(["resource", "get", "Deployment", "manual-app", "-n", "manual"]), 1, /Deployment manual\/manual-app not found/);
    expectOneLineError(await cli(["resource", "delete", "Deployment", "manual-app"]), 1, /not found \(namespaced kinds need -n NAMESPACE\)/);
  });

  it("apply reports unreadable files and rejected documents with file:line", async () => {
    const broken = path.join(tmp, "broken.yaml");
    fs.writeFileSync(broken, "kind: Deployment\nmetadata:\n  name: [unclosed\n");
    expectOneLineError(await cli(["resource", "apply", "-f", broken]), 1, new RegExp(`${broken.replace(/[.]/g, "\\.")}:\\d+(:\\d+)?: `));
    const noNs = path.join(tmp, "no-ns.json");
    fs.writeFileSync(noNs, JSON.stringify({ kind: "Deployment", metadata: { name: "x" }, spec: {} }));
    expectOneLineError(await cli(["resource", "apply", "-f", noNs]), 1, /no-ns\.json:1: metadata\.namespace is required: Deployment is Namespaced/);
    expectOneLineError(await cli(["resource", "apply", "-f", path.join(tmp, "missing.yaml")]), 1, /cannot read .*missing\.yaml: no such file/);
  });

  it("a Cluster-scoped atomic definition: a run blocked by an invalid document Failed and exits 1", async () => {
    commitFiles(
      repoDir,
      {
        "widgets/w1.yaml": "kind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n",
        "widgets/bad.yaml": "kind: Widget\nmetadata:\n  name: w2\nspec:\n  size: big\n",
      },
      "widgets",
    );
    const defFile = path.join(tmp, "widgets.json");
    fs.writeFileSync(
      defFile,
      JSON.stringify({
        metadata: { name: "widgets.example.io" },
        spec: {
          group: "example.io",
          version: "v1",
          names: { kind: "Widget", plural: "widgets" },
          scope: "Cluster",
          schema: { type: "object", properties: { size: { type: "integer" } }, required: ["size"] },
          gitops: { repoURL, path: "/widgets" },
          syncPolicy: { atomic: true },
        },
      }),
    );
    expect((await cli(["resource", "definition", "add", "--spec", defFile])).code).toBe(0);
    const failed = await cli(["resource", "sync", "--definition", "widgets.example.io"]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/! invalid\s+Widget w2\s+widgets\/bad\.yaml:1: .*size/);
    expect(failed.stdout).toMatch(/Run [0-9a-f-]{36} Failed/);
    expect(failed.stdout).toMatch(/error: .+/);
    expect(json<Resource[]>(await cli(["resource", "ls", "--kind", "Widget", "-o", "json"]))).toEqual([]);

    commitFiles(repoDir, { "widgets/bad.yaml": null }, "drop the bad widget");
    const ok = await cli(["resource", "sync", "--definition", "widgets.example.io"]);
    expect(ok.code).toBe(0);
    const w1 = json<Resource>(await cli(["resource", "get", "Widget", "w1", "-o", "json"]));
    expect(w1.metadata).not.toHaveProperty("namespace");
    expect(w1.spec).toEqual({ size: 3 });
    const ls = await cli(["resource", "ls"]);
    expect(ls.stdout).toMatch(/^KIND\s+NAMESPACE\s+NAME/);
    expect(ls.stdout).toMatch(/Widget\s+-\s+w1\s+Synced/);
  });

  it("a wrong token exits non-zero with the server's unauthorized message", async () => {
    const r = await cli(["resource", "definition", "ls"], { env: { SYNCLINE_TOKEN: "sl_wrong_token_value" } });
    expectOneLineError(r, 1, /^error: unauthorized: sign in or send a valid API token\n$/);
    const viaFlag = await cli(["resource", "ls", "--kind", "Deployment", "--token", "nope"]);
    expectOneLineError(viaFlag, 1, /unauthorized/);
    const diff = await cli(["resource", "diff", "--definition", DEF, "--token", "nope"]);
    expectOneLineError(diff, 2, /unauthorized/);
    const none = await cli(["resource", "definition", "ls"], { env: { SYNCLINE_TOKEN: undefined } });
    expectOneLineError(none, 1, /unauthorized: .*run `syncline login`/);
  });

  it("the server being down gives one line naming the URL", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const r = await cli(["resource", "ls", "--kind", "Deployment", "--server", url]);
    expectOneLineError(r, 1, new RegExp(`^error: cannot reach the Syncline server at ${url.replace(/[.]/g, "\\.")} \\(connection refused\\)\\n$`));
    const diff = await cli(["resource", "diff", "--definition", DEF], { env: { SYNCLINE_SERVER: url } });
    expectOneLineError(diff, 2, /cannot reach the Syncline server at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
    const sync = await cli(["resource", "sync", "--definition", DEF, "--server", url]);
    expectOneLineError(sync, 1, /cannot reach/);
  });

  it("login stores a 0600 config that later commands use, only for that server", async () => {
    const config = path.join(tmp, "home", "syncline", "config.json");
    const env = { SYNCLINE_CONFIG: config, SYNCLINE_TOKEN: undefined, SYNCLINE_SERVER: undefined };
    const bad = await runCli(["login", "--server", server.url, "--username", "admin", "--password-stdin"], { env, input: "wrong-password\n" });
    expectOneLineError(bad, 1, /unauthorized/);
    expect(fs.existsSync(config)).toBe(false);

    const r = await runCli(["login", "--server", server.url, "--username", "admin", "--password-stdin", "--role", "viewer"], {
      env,
      input: `${server.adminPassword}\n`,
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Logged in to ${server.url} as admin`);
    expect(r.stdout).toContain("role viewer");
    expect(fs.statSync(config).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(fs.readFileSync(config, "utf8"));
    expect(saved.server).toBe(server.url);
    expect(saved.token).toMatch(/\S{20,}/);

    const ls = await runCli(["resource", "definition", "ls", "-o", "json"], { env });
    expect(ls.stderr).toBe("");
    expect(
      JSON.parse(ls.stdout)
        .map((d: { metadata: { name: string } }) => d.metadata.name)
        .sort(),
    ).toEqual([DEF, "widgets.example.io"]);
    // the stored token carries the role it was issued with
    expectOneLineError(await runCli(["resource", "definition", "delete", DEF], { env }), 1, /forbidden: this needs the admin role \(you are viewer\)/);
    // and is never sent to a different server
    const other = await runCli(["resource", "definition", "ls", "--server", `http://localhost:${server.port}`], { env });
    expectOneLineError(other, 1, /unauthorized/);

    const noTty = await runCli(["login", "--server", server.url, "--username", "admin"], { env });
    expectOneLineError(noTty, 2, /--password-stdin/);
  });

  it("usage errors exit 2 and name the problem", async () => {
    const r = await cli(["resource", "sync"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: required option '--definition <name>' not specified");
    const fmt = await cli(["resource", "ls", "-o", "xml"]);
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toMatch(/Allowed choices are json, yaml, text/);
  });

  it("on a terminal: colour, and one progress line redrawn in place instead of log lines", async () => {
    commitFiles(repoDir, { "resources/app1.json": app1(6) }, "scale my-app to 6");
    const r = await runCliInTty(["resource", "sync", "--definition", DEF], { env: { SYNCLINE_SERVER: server.url, SYNCLINE_TOKEN: token } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("\u001b[1mPlan for deployments.example.io");
    expect(r.stdout).toMatch(/\u001b\[33m {2}~ update\s+Deployment production\/my-app-deployment/);
    // the invalid resource is still in Git: amber "Succeeded with 2 problems"
    expect(r.stdout).toMatch(/Run [0-9a-f-]{36}\u001b\[22m \u001b\[33mSucceeded with 2 problems\u001b\[39m/);
    // the run log is not streamed as lines on a terminal; a redrawn line (if the run was still going)
    // is, and may show the log's latest message while it is current, then is overwritten
    for (const line of r.stdout.split("\n")) expect(line.split("\r").at(-1)).not.toContain("resolved commit");
    for (const redraw of r.stdout.split("\n").filter((l) => l.includes("\r"))) expect(redraw).toMatch(/^\r(Pending|Running)/);
  });

  it("definition delete removes a definition", async () => {
    const r = await cli(["resource", "definition", "delete", "widgets.example.io"]);
    expect(r.code).toBe(0);
    const names = json<{ metadata: { name: string } }[]>(await cli(["resource", "definition", "ls", "-o", "json"])).map((d) => d.metadata.name);
    expect(names).toEqual([DEF]);
  });
});
