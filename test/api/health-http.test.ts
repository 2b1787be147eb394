/**
 * Health (issue 14) over HTTP against the real server: the status subresource (viewer 403,
 * executor and operator 200, reserved fields 400, 413 over 64 KiB), the health history, the
 * ?health= filter, and the CLI: `resource ls` HEALTH column and `resource wait` exit codes; a
 * status write with a token (answered before Next, lib/server/http/status-fast-path.ts) answers
 * as Next's route does (a cookie session).
 */
import path from "node:path";
import os from "node:os";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, signInCookie, startAppServer, type AppServer } from "@/test/support/app-server";
import { runCli } from "@/cli/test-support/run-cli";

const health = {
  inProgress: "self.status.?readyReplicas.orValue(0) < self.spec.replicas && !self.status.?failed.orValue(false)",
  failed: "self.status.?failed.orValue(false)",
  current: "self.status.?readyReplicas.orValue(0) == self.spec.replicas",
};

describe("health over HTTP (real server)", () => {
  let server: AppServer;
  let admin: string;
  let viewer: string;
  let operator: string;
  let executor: string;
  let tmp: string;

  const api = (p: string, init: RequestInit & { token?: string; json?: unknown } = {}) =>
    fetch(`${server.url}${p}`, {
      ...init,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    });
  const putStatus = (name: string, status: unknown, token = executor, method = "PUT") =>
    api(`/api/v1/resources/Job/batch/${name}/status`, { method, token, json: { status } });
  const cli = (args: string[]) => runCli(args, { env: { SYNCLINE_SERVER: server.url, SYNCLINE_TOKEN: admin, SYNCLINE_CONFIG: path.join(tmp, "unused.json") } });

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "syncline-health-"));
    server = await startAppServer({ env: { SYNCLINE_SCHEDULER_TICK_MS: "200" } });
    admin = await issueToken(server, "admin");
    viewer = await issueToken(server, "viewer");
    operator = await issueToken(server, "operator");
    // tokens are minted from a session or HTTP Basic, never with a token
    const t = await fetch(`${server.url}/api/v1/tokens`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`admin:${server.adminPassword}`).toString("base64")}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "handler", role: "executor" }),
    });
    expect(t.status).toBe(201);
    executor = ((await t.json()) as { token: string }).token;
    const bad = await api("/api/v1/definitions", {
      method: "POST",
      token: admin,
      json: {
        metadata: { name: "jobs.example.io" },
        spec: { group: "example.io", version: "v1", names: { kind: "Job", plural: "jobs" }, scope: "Namespaced", health: { current: "self.status.done +" } },
      },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/spec\.health\.current.*line 1, column 19/);
    const d = await api("/api/v1/definitions", {
      method: "POST",
      token: admin,
      json: {
        metadata: { name: "jobs.example.io" },
        spec: { group: "example.io", version: "v1", names: { kind: "Job", plural: "jobs" }, scope: "Namespaced", health },
      },
    });
    expect(d.status).toBe(201);
    for (const name of ["a", "b"]) {
      const r = await api("/api/v1/resources", {
        method: "POST",
        token: admin,
        json: { kind: "Job", metadata: { name, namespace: "batch" }, spec: { replicas: 2 } },
      });
      expect(r.status).toBe(201);
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("the status subresource: viewer 403, executor and operator 200, reserved 400, 413 over 64 KiB", async () => {
    expect((await putStatus("a", { readyReplicas: 1 }, viewer)).status).toBe(403);
    const ok = await putStatus("a", { readyReplicas: 1 });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { status: { health: { status: string } } }).status.health.status).toBe("Progressing");
    expect((await putStatus("a", { readyReplicas: 1 }, operator, "PATCH")).status).toBe(200);
    const reserved = await putStatus("a", { gitSync: { lastCommitSHA: "x" } });
    expect(reserved.status).toBe(400);
    expect(JSON.stringify(await reserved.json())).toContain("status.gitSync");
    const big = await putStatus("a", { blob: "x".repeat(70 * 1024) });
    expect(big.status).toBe(413);
    const hist = await api("/api/v1/resources/Job/batch/a/health", { token: viewer });
    expect(hist.status).toBe(200);
    expect(((await hist.json()) as { items: { to: string }[] }).items[0]?.to).toBe("Progressing");
  });

  it("a bearer-token status write (the fast path) answers exactly as Next's route does (a session)", async () => {
    const cookie = await signInCookie(server);
    const viaToken = (p: string, method: string, body: string) =>
      fetch(`${server.url}${p}`, { method, body, headers: { "content-type": "application/json", authorization: `Bearer ${admin}` } });
    const viaSession = (p: string, method: string, body: string) =>
      fetch(`${server.url}${p}`, { method, body, headers: { "content-type": "application/json", cookie, origin: server.url } });
    const cases: [string, string, string, number][] = [
      ["/api/v1/resources/Job/batch/a/status", "PUT", JSON.stringify({ status: { readyReplicas: 1, note: "same" } }), 200],
      ["/api/v1/resources/Job/batch/a/status", "PATCH", JSON.stringify({ status: { note: null } }), 200],
      ["/api/v1/resources/Job/batch/a/status?x=1", "PATCH", JSON.stringify({ status: { readyReplicas: 1 } }), 200],
      ["/api/v1/resources/Job/batch/a/status", "PUT", JSON.stringify({ status: { health: "Healthy" } }), 400],
      ["/api/v1/resources/Job/batch/a/status", "PUT", '{"status": {\n  "readyReplicas": 1,,\n}}', 400],
      ["/api/v1/resources/Job/batch/a/status", "PUT", "", 400],
      ["/api/v1/resources/Job/batch/a/status", "PUT", JSON.stringify({ spec: {}, status: {} }), 400],
      ["/api/v1/resources/Job/batch/a%00/status", "PUT", JSON.stringify({ status: {} }), 400],
      ["/api/v1/resources/Job/batch/nope/status", "PUT", JSON.stringify({ status: {} }), 404],
      ["/api/v1/resources/Job/batch/a/status", "PUT", JSON.stringify({ status: { blob: "x".repeat(65 * 1024) } }), 413],
    ];
    const shown = (r: Response) => ({
      status: r.status,
      headers: ["content-type", "cache-control", "content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy"].map((h) => [
        h,
        r.headers.get(h),
      ]),
    });
    for (const [p, method, body, expected] of cases) {
      const a = await viaToken(p, method, body);
      const b = await viaSession(p, method, body);
      expect(shown(a), `${method} ${p}`).toEqual(shown(b));
      expect(a.status, `${method} ${p}`).toBe(expected);
      expect(await a.text(), `${method} ${p}`).toBe(await b.text());
      // Next marks everything it answers with Vary: rsc, …; the token's answer never went through it
      expect(a.headers.get("vary") ?? "", `${method} ${p}`).not.toContain("rsc");
      expect(b.headers.get("vary"), `${method} ${p}`).toContain("rsc");
    }
    // a token that is no token: 401 in the one error shape; the connection still serves the next request
    const anon = await fetch(`${server.url}/api/v1/resources/Job/batch/a/status`, { method: "PUT", body: "{}", headers: { authorization: "Bearer sl_nope" } });
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
    expect((await putStatus("a", { readyReplicas: 1 }, viewer)).status).toBe(403);
  });

  it("?health= filters the list; resource ls shows HEALTH", async () => {
    await putStatus("b", { failed: true });
    const r = await api("/api/v1/resources?health=Degraded", { token: viewer });
    expect(((await r.json()) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name)).toEqual(["b"]);
    const ls = await cli(["resource", "ls", "--kind", "Job"]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/^NAMESPACE\s+NAME\s+SYNC\s+HEALTH\s+DRIFT/);
    expect(ls.stdout).toMatch(/batch\s+a\s+Unknown\s+Progressing/);
    expect(ls.stdout).toMatch(/batch\s+b\s+Unknown\s+Degraded/);
  });

  it("resource wait: 1 with a Degraded resource at the deadline, 0 once all are Healthy, 2 on error", async () => {
    const degraded = await cli(["resource", "wait", "--definition", "jobs.example.io", "--health", "--timeout", "1s", "--interval", "300ms"]);
    expect(degraded.code).toBe(1);
    expect(degraded.stdout).toContain("Job batch/b: Degraded");
    expect(degraded.stderr).toMatch(/not Healthy after 1s \(1 Degraded\)/);
    const waiting = cli(["resource", "wait", "--definition", "jobs.example.io", "--health", "--timeout", "30s", "--interval", "300ms"]);
    await new Promise((r) => setTimeout(r, 800));
    await putStatus("a", { readyReplicas: 2 });
    await putStatus("b", { readyReplicas: 2 });
    const healthy = await waiting;
    expect(healthy.stderr).toBe("");
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toContain("all 2 resource(s) of jobs.example.io are Healthy");
    const missing = await cli(["resource", "wait", "--definition", "nope.example.io", "--health", "--timeout", "1s"]);
    expect(missing.code).toBe(2);
  });
});
