/**
 * `syncline resource compare` and `resource history --commits` (issue 16) with the real binary
 * against the built server and a Git repo served on 127.0.0.1: exit 0 no changes, 1 changes,
 * 2 error; JSON output; the path-filtered commit list (commits to other paths left out).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, startAppServer, type AppServer } from "../test/support/app-server";
import { startGitFixture, type GitFixture } from "../test/support/git-fixture";
import { commitFiles, tag } from "../test/support/git-repo";
import { runCli, type CliResult } from "./test-support/run-cli";
import type { CompareView, DefinitionCommitsView } from "@/lib/api/history";

const DEF = "widgets.example.io";
const widget = (name: string, replicas: number) => `kind: Widget\nmetadata:\n  name: ${name}\n  namespace: team-a\nspec:\n  replicas: ${replicas}\n`;

let server: AppServer;
let git: GitFixture;
let token: string;
let tmp: string;
const c: string[] = [];
let firstRun = "";

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { env: { SYNCLINE_SERVER: server.url, SYNCLINE_TOKEN: token, SYNCLINE_CONFIG: path.join(tmp, "unused-config.json") } });
}

async function api<T>(method: string, urlPath: string, body?: unknown): Promise<T> {
  const r = await fetch(`${server.url}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  expect(r.status, await r.clone().text()).toBeLessThan(300);
  return (await r.json()) as T;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "syncline-compare-cli-"));
  git = await startGitFixture();
  const repo = git.repo("widgets");
  c.push(commitFiles(repo.dir, { "resources/web.yaml": widget("web", 2), "resources/api.yaml": widget("api", 1) }, "two widgets"));
  tag(repo.dir, "v1");
  c.push(commitFiles(repo.dir, { "docs/README.md": "# docs\n" }, "docs only"));
  c.push(commitFiles(repo.dir, { "resources/web.yaml": widget("web", 3), "resources/db.yaml": widget("db", 1) }, "scale web, add db"));
  server = await startAppServer({ env: { SYNCLINE_SCHEDULER: "0" } });
  token = await issueToken(server, "admin", "compare-tests");
  await api("POST", "/api/v1/definitions", {
    metadata: { name: DEF },
    spec: {
      group: "example.io",
      version: "v1",
      names: { kind: "Widget", plural: "widgets" },
      scope: "Namespaced",
      schema: { type: "object", properties: { replicas: { type: "integer" } } },
      gitops: { repoURL: repo.url, branch: "main", path: "/resources", interval: 3600 },
    },
  });
  firstRun = (await api<{ id: string }>("POST", `/api/v1/definitions/${DEF}/sync?wait=true`, { revision: c[0] })).id;
  await api("POST", `/api/v1/definitions/${DEF}/sync?wait=true`, {});
});

afterAll(async () => {
  await server?.stop();
  await git?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("syncline resource compare / history --commits", () => {
  it("exits 1 with a unified diff per resource when two points differ", async () => {
    const r = await cli(["resource", "compare", "--definition", DEF, "v1", c[2]!.slice(0, 7)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("update Widget team-a/web");
    expect(r.stdout).toMatch(/-\s+replicas: 2\n\+\s+replicas: 3/);
    expect(r.stdout).toContain("create Widget team-a/db");
    expect(r.stdout).toContain("1 create, 1 update, 0 delete, 1 unchanged");
  });

  it("exits 0 when nothing differs (from == to; the applied store after the last run against live)", async () => {
    const same = await cli(["resource", "compare", "--definition", DEF, c[2]!, "main"]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("No changes");
    const last = await cli(["resource", "compare", "--definition", DEF, "main", "live", "--mode", "applied", "-o", "json"]);
    expect(last.code).toBe(0);
    const v = JSON.parse(last.stdout) as CompareView;
    expect(v.mode).toBe("applied");
    expect(v.to.type).toBe("live");
  });

  it("applied mode by the short run id, as JSON", async () => {
    const r = await cli(["resource", "compare", "--definition", DEF, firstRun.slice(0, 8), "live", "--mode", "applied", "-o", "json"]);
    expect(r.code).toBe(1);
    const v = JSON.parse(r.stdout) as CompareView;
    expect(v.from.run?.id).toBe(firstRun);
    expect(Object.fromEntries(v.changes.map((ch) => [ch.name, ch.action]))).toEqual({ api: "unchanged", db: "create", web: "update" });
  });

  it("exits 2 with one error line naming an unknown ref", async () => {
    const r = await cli(["resource", "compare", "--definition", DEF, "v1", "no-such-tag"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: [^\n]*no-such-tag[^\n]*\n$/);
  });

  it("history --commits lists only the commits that changed the path, with what was applied", async () => {
    const r = await cli(["resource", "history", "--definition", DEF, "--commits"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(c[2]!.slice(0, 7));
    expect(r.stdout).toContain(c[0]!.slice(0, 7));
    expect(r.stdout).not.toContain(c[1]!.slice(0, 7));
    expect(r.stdout).toContain("scale web, add db");
    const j = JSON.parse((await cli(["resource", "history", "--definition", DEF, "--commits", "-o", "json"])).stdout) as DefinitionCommitsView;
    expect(j.items.map((m) => m.sha)).toEqual([c[2], c[0]]);
    expect(j.items[0]).toMatchObject({ current: true, applied: { runId: expect.any(String) } });
    expect(j.items[1]?.applied?.runId).toBe(firstRun);
  });
});
