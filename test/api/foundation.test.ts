/**
 * The foundation against the real server process (`next start`, embedded store):
 * the definitions and resources API, auth and roles, the error shape, CSRF, restarts and
 * the single-process guard of the embedded database.
 */
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, startAppServer, type AppServer } from "@/test/support/app-server";

const seedDefinition = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "..", "..", "examples", "deployments.example.io.json"), "utf8"));

describe("foundation API on a real server", () => {
  let server: AppServer;
  let admin: string;
  let viewer: string;
  let operator: string;

  const api = (p: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${server.url}${p}`, {
      ...init,
      headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers ?? {}) },
    });

  beforeAll(async () => {
    server = await startAppServer();
    admin = await issueToken(server, "admin");
    viewer = await issueToken(server, "viewer");
    operator = await issueToken(server, "operator");
  });
  afterAll(async () => {
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it("prints the URL and the admin login once on first start", () => {
    expect(server.output()).toContain(`Syncline is running at ${server.url}`);
    expect(server.output()).toMatch(/admin login: username "admin"/);
  });

  it("healthz answers with the store kind", async () => {
    const r = await fetch(`${server.url}/api/healthz`);
    expect(await r.json()).toEqual({ status: "ok", database: "pglite" });
  });

  it("POSTs the seed's definition with an admin token → 201, GET shows the defaults", async () => {
    const r = await api("/api/v1/definitions", { method: "POST", token: admin, body: JSON.stringify(seedDefinition) });
    expect(r.status).toBe(201);
    const got = await (await api("/api/v1/definitions/deployments.example.io", { token: viewer })).json();
    expect(got.metadata.name).toBe("deployments.example.io");
    expect(got.spec.gitops).toEqual({ repoURL: "https://github.com/example/deployments.git", branch: "main", path: "/resources", interval: 300 });
    expect(got.spec.syncPolicy).toEqual({ automated: false, prune: false, selfHeal: false, atomic: false, allowEmpty: false });
    expect(got.spec.names.kind).toBe("Deployment");
    const list = await (await api("/api/v1/definitions", { token: viewer })).json();
    expect(list.items.map((d: { metadata: { name: string } }) => d.metadata.name)).toContain("deployments.example.io");
  });

  it("fills branch, path and interval defaults when gitops gives only repoURL", async () => {
    const def = structuredClone(seedDefinition);
    def.metadata.name = "minimal.example.io";
    def.spec.names = { kind: "Minimal", plural: "minimals" };
    def.spec.gitops = { repoURL: "https://git.example.com/x.git" };
    expect((await api("/api/v1/definitions", { method: "POST", token: admin, body: JSON.stringify(def) })).status).toBe(201);
    const got = await (await api("/api/v1/definitions/minimal.example.io", { token: admin })).json();
    expect(got.spec.gitops).toEqual({ repoURL: "https://git.example.com/x.git", branch: "main", path: "/", interval: 300 });
  });

  it("malformed JSON → 400 naming the position", async () => {
    const r = await api("/api/v1/definitions", { method: "POST", token: admin, body: '{\n  "metadata": {"name": "x"},\n  "spec": { oops }\n}' });
    expect(r.status).toBe(400);
    const e = await r.json();
    expect(e.error.code).toBe("BAD_REQUEST");
    expect(e.error.message).toMatch(/malformed JSON at line 3, column \d+/);
  });

  it("bad fields → 400 listing every one", async () => {
    const r = await api("/api/v1/definitions", {
      method: "POST",
      token: admin,
      body: JSON.stringify({
        metadata: { name: "bad.example.io" },
        spec: { group: "g", version: "v1", names: { kind: "K", plural: "ks" }, scope: "Global", gitops: { path: "../x" } },
      }),
    });
    expect(r.status).toBe(400);
    const e = await r.json();
    const paths = e.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["spec.scope", "spec.gitops.repoURL", "spec.gitops.path"]));
    expect(e.error.message).toMatch(/spec\.scope/);
  });

  it("no token → 401, viewer token → 403, wrong token → 401", async () => {
    expect((await api("/api/v1/definitions", { method: "POST", body: JSON.stringify(seedDefinition) })).status).toBe(401);
    const v = await api("/api/v1/definitions", { method: "POST", token: viewer, body: JSON.stringify(seedDefinition) });
    expect(v.status).toBe(403);
    expect((await v.json()).error.code).toBe("FORBIDDEN");
    expect((await api("/api/v1/definitions", { token: "sl_not-a-real-token" })).status).toBe(401);
  });

  it("resources: create, schema errors as JSON pointers (422), list by kind and label, Git-managed PUT audited", async () => {
    const def = structuredClone(seedDefinition);
    def.metadata.name = "apps.example.io";
    def.spec.names = { kind: "App", plural: "apps" };
    def.spec.schema = { type: "object", required: ["replicas"], properties: { replicas: { type: "integer", minimum: 1 } } };
    delete def.spec.gitops;
    expect((await api("/api/v1/definitions", { method: "POST", token: admin, body: JSON.stringify(def) })).status).toBe(201);

    const bad = await api("/api/v1/resources", {
      method: "POST",
      token: operator,
      body: JSON.stringify({ kind: "App", metadata: { name: "a", namespace: "ns" }, spec: { replicas: 0 } }),
    });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.details).toEqual([expect.objectContaining({ pointer: "/spec/replicas" })]);

    const noNs = await api("/api/v1/resources", {
      method: "POST",
      token: operator,
      body: JSON.stringify({ kind: "App", metadata: { name: "a" }, spec: { replicas: 1 } }),
    });
    expect(noNs.status).toBe(400);

    const ok = await api("/api/v1/resources", {
      method: "POST",
      token: operator,
      body: JSON.stringify({ kind: "App", metadata: { name: "a", namespace: "ns", labels: { tier: "web" } }, spec: { replicas: 2 } }),
    });
    expect(ok.status).toBe(201);
    const created = await ok.json();
    expect(created.status.gitSync).toEqual({ lastSyncTime: null, lastCommitSHA: null, syncError: "" });

    expect((await api("/api/v1/resources", { method: "POST", token: viewer, body: "{}" })).status).toBe(403);
    const listed = await (await api("/api/v1/resources?kind=App&labelSelector=tier%3Dweb", { token: viewer })).json();
    expect(listed.items.map((r: { metadata: { name: string } }) => r.metadata.name)).toEqual(["a"]);
    const none = await (await api("/api/v1/resources?kind=App&labelSelector=tier%3Ddb", { token: viewer })).json();
    expect(none.items).toEqual([]);

    const put = await api("/api/v1/resources/App/ns/a", {
      method: "PUT",
      token: operator,
      body: JSON.stringify({ metadata: { name: "a", namespace: "ns" }, spec: { replicas: 3 } }),
    });
    expect(put.status).toBe(200);
    expect((await put.json()).metadata.generation).toBe(2);
    const audit = await (await api("/api/v1/audit?action=resource.update", { token: admin })).json();
    expect(audit.items[0]).toMatchObject({ action: "resource.update", target: "App ns/a", result: "ok" });

    expect((await api("/api/v1/resources/App/ns/a", { method: "DELETE", token: operator })).status).toBe(204);
    expect((await api("/api/v1/resources/App/ns/a", { token: viewer })).status).toBe(404);
  });

  it("paginates resources with a cursor", async () => {
    for (let i = 0; i < 5; i++) {
      await api("/api/v1/resources", {
        method: "POST",
        token: operator,
        body: JSON.stringify({ kind: "App", metadata: { name: `p${i}`, namespace: "page" }, spec: { replicas: 1 } }),
      });
    }
    const names: string[] = [];
    let cursor = "";
    for (let guard = 0; guard < 10; guard++) {
      const page = await (await api(`/api/v1/resources?kind=App&namespace=page&limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: viewer })).json();
      names.push(...page.items.map((r: { metadata: { name: string } }) => r.metadata.name));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(names).toEqual(["p0", "p1", "p2", "p3", "p4"]);
  });

  it("issues a token once over HTTP Basic, stores only its hash, and revokes it", async () => {
    const basic = `Basic ${Buffer.from(`admin:${server.adminPassword}`).toString("base64")}`;
    const wrong = await fetch(`${server.url}/api/v1/tokens`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("admin:nope").toString("base64")}` },
      body: "{}",
    });
    expect(wrong.status).toBe(401);
    const r = await fetch(`${server.url}/api/v1/tokens`, {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/json" },
      body: JSON.stringify({ name: "script", role: "viewer" }),
    });
    expect(r.status).toBe(201);
    const t = await r.json();
    expect(t.token).toMatch(/^sl_/);
    expect((await api("/api/v1/definitions", { token: t.token })).status).toBe(200);
    const listed = await (await api("/api/v1/tokens", { token: admin })).json();
    expect(JSON.stringify(listed)).not.toContain(t.token);
    expect((await api(`/api/v1/tokens/${t.id}`, { method: "DELETE", token: admin })).status).toBe(204);
    expect((await api("/api/v1/definitions", { token: t.token })).status).toBe(401);
    // Basic is accepted only where a route allows it
    expect((await fetch(`${server.url}/api/v1/definitions`, { headers: { authorization: basic } })).status).toBe(401);
  });

  it("cookie sessions: sign in, read, and refuse cross-origin mutations", async () => {
    const signIn = await fetch(`${server.url}/api/auth/sign-in/username`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ username: "admin", password: server.adminPassword }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    expect(cookie).toContain("session_token");
    expect((await fetch(`${server.url}/api/v1/definitions`, { headers: { cookie } })).status).toBe(200);
    const def = structuredClone(seedDefinition);
    def.metadata.name = "csrf.example.io";
    def.spec.names = { kind: "Csrf", plural: "csrfs" };
    for (const origin of ["https://evil.example", "null", undefined]) {
      const r = await fetch(`${server.url}/api/v1/definitions`, {
        method: "POST",
        headers: { cookie, "content-type": "text/plain", ...(origin ? { origin } : {}) },
        body: JSON.stringify(def),
      });
      expect(r.status).toBe(403);
    }
    expect((await api("/api/v1/definitions/csrf.example.io", { token: admin })).status).toBe(404);
    const same = await fetch(`${server.url}/api/v1/definitions`, {
      method: "POST",
      headers: { cookie, origin: server.url, "content-type": "application/json" },
      body: JSON.stringify(def),
    });
    expect(same.status).toBe(201);
  });

  it("serves the OpenAPI document", async () => {
    const doc = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/api/v1/definitions"].post.requestBody).toBeTruthy();
  });

  it("refuses a second process on the same data directory with a clear message", async () => {
    const second = spawn(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", "0"], {
      cwd: path.join(import.meta.dirname, "..", ".."),
      env: { ...process.env, SYNCLINE_DATA_DIR: server.dataDir, DATABASE_URL: "", SYNCLINE_DEMO: "0", NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    second.stdout.on("data", (d) => (out += d));
    second.stderr.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => second.on("exit", resolve));
    expect(code).not.toBe(0);
    expect(out).toMatch(/in use by another Syncline process \(pid \d+\)/);
    // the first process is unharmed
    expect((await api("/api/v1/definitions", { token: viewer })).status).toBe(200);
  });

  it("keeps data across a restart", async () => {
    await server.stop();
    await server.restart();
    expect(server.output().match(/admin login/g)).toHaveLength(1);
    const got = await api("/api/v1/definitions/deployments.example.io", { token: admin });
    expect(got.status).toBe(200);
  });
});
