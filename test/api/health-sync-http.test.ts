/**
 * `syncline resource sync --wait-healthy` against the built server and a real Git server
 * (issue 14): exit 1 with the outcome printed when the applied resources are not Healthy by the
 * deadline, exit 0 once the executor reports them Healthy; the run records `health`.
 */
import path from "node:path";
import os from "node:os";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, startAppServer, type AppServer } from "@/test/support/app-server";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { definitionBody } from "@/test/support/definition-body";
import { runCli } from "@/cli/test-support/run-cli";

const job = (name: string, size: number) => JSON.stringify({ kind: "Task", metadata: { name, namespace: "batch" }, spec: { size } });

describe("resource sync --wait-healthy (real server)", () => {
  let server: AppServer;
  let fx: GitFixture;
  let repo: { dir: string; url: string };
  let admin: string;
  let executor: string;
  let tmp: string;
  const api = (p: string, init: { method?: string; token?: string; json?: unknown } = {}) =>
    fetch(`${server.url}${p}`, {
      method: init.method ?? "GET",
      body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
      headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    });
  const cli = (args: string[]) => runCli(args, { env: { SYNCLINE_SERVER: server.url, SYNCLINE_TOKEN: admin, SYNCLINE_CONFIG: path.join(tmp, "unused.json") } });

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "syncline-health-sync-"));
    fx = await startGitFixture();
    repo = fx.repo("tasks");
    commitFiles(repo.dir, { "resources/t.json": job("t", 2) }, "one");
    server = await startAppServer({ env: { SYNCLINE_SCHEDULER_TICK_MS: "200" } });
    admin = await issueToken(server, "admin");
    const t = await fetch(`${server.url}/api/v1/tokens`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`admin:${server.adminPassword}`).toString("base64")}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "handler", role: "executor" }),
    });
    executor = ((await t.json()) as { token: string }).token;
    const body = definitionBody({ name: "tasks.example.io", kind: "Task", repoURL: repo.url, interval: 3600 });
    const created = await api("/api/v1/definitions", {
      method: "POST",
      token: admin,
      json: { ...body, spec: { ...body.spec, health: { current: "self.status.?done.orValue(0) == self.spec.size" } } },
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await server?.stop();
    await fx?.close();
  });

  it("exit 1 and the outcome when not Healthy by the deadline; exit 0 once the executor reports Healthy", async () => {
    const late = await cli(["resource", "sync", "--definition", "tasks.example.io", "--wait-healthy", "--health-timeout", "1s", "--yes"]);
    expect(late.code).toBe(1);
    expect(late.stdout).toMatch(/health: Timeout \(not Healthy: Task batch\/t\)/);

    commitFiles(repo.dir, { "resources/t.json": job("t", 3) }, "two");
    const waiting = cli(["resource", "sync", "--definition", "tasks.example.io", "--wait-healthy", "--health-timeout", "60s", "--yes"]);
    // the run stays open until the executor reports
    let runId = "";
    for (let i = 0; i < 100 && !runId; i++) {
      const runs = (await (await api("/api/v1/definitions/tasks.example.io/runs", { token: admin })).json()) as { items: { id: string; phase: string }[] };
      const open = runs.items.find((r) => r.phase === "Running");
      if (open) runId = open.id;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(runId).not.toBe("");
    await new Promise((r) => setTimeout(r, 500));
    expect(((await (await api(`/api/v1/runs/${runId}`, { token: admin })).json()) as { phase: string }).phase).toBe("Running");
    expect((await api("/api/v1/resources/Task/batch/t/status", { method: "PUT", token: executor, json: { status: { done: 3 } } })).status).toBe(200);
    const ok = await waiting;
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/health: Healthy/);
    const run = (await (await api(`/api/v1/runs/${runId}`, { token: admin })).json()) as { phase: string; health: { outcome: string } };
    expect(run).toMatchObject({ phase: "Succeeded", health: { outcome: "Healthy" } });
  });
});
