/**
 * Hardening — issue 13 over HTTP against the real server process (`next start`): a sops-age
 * secret is never echoed, decrypted values are masks in every API answer and page (resource
 * page with its lock marks, run page, diff page) and never in the server's log; only an executor
 * token reveals (`?reveal=true`), audited; executor is for tokens only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, signInCookie, startAppServer, type AppServer } from "@/test/support/app-server";
import { definitionBody } from "@/test/support/definition-body";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { encryptSopsDocument, newAgeIdentity, sopsYaml } from "@/test/support/sops";
import { runCli } from "@/cli/test-support/run-cli";

const NAME = "vaults.http.io";
const PASSWORD = "Hq8-http-pa55-Zt3";
const NEW_PASSWORD = "Vv2-http-rotated-Lm9";

describe("hardening: SOPS values over HTTP (real server)", () => {
  let server: AppServer;
  let fx: GitFixture;
  let repo: { dir: string; url: string };
  let admin: string;
  let viewer: string;
  let operator: string;
  let executor: string;
  let cookie: string;
  let key: { identity: string; recipient: string };

  const api = (p: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${server.url}${p}`, {
      redirect: "manual",
      ...init,
      headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers ?? {}) },
    });
  const vault = async (password: string) =>
    sopsYaml([
      await encryptSopsDocument(
        { apiVersion: "http.io/v1", kind: "Vault", metadata: { name: "db", namespace: "p" }, spec: { host: "db.internal", password } },
        { recipients: [key.recipient], encryptedRegex: "^password$" },
      ),
    ]);

  beforeAll(async () => {
    key = await newAgeIdentity();
    fx = await startGitFixture();
    repo = fx.repo("vaults");
    const stranger = await newAgeIdentity();
    const unreadable = await encryptSopsDocument(
      { apiVersion: "http.io/v1", kind: "Vault", metadata: { name: "other-key", namespace: "p" }, spec: { host: "x", password: "other-key-value-1" } },
      { recipients: [stranger.recipient], encryptedRegex: "^password$" },
    );
    commitFiles(repo.dir, { "resources/db.yaml": await vault(PASSWORD), "resources/other.yaml": sopsYaml([unreadable]) }, "encrypted");
    server = await startAppServer({ env: { SYNCLINE_SCHEDULER: "0" } });
    admin = await issueToken(server, "admin");
    viewer = await issueToken(server, "viewer");
    operator = await issueToken(server, "operator");
    const r = await fetch(`${server.url}/api/v1/tokens`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`admin:${server.adminPassword}`).toString("base64")}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "handler", role: "executor" }),
    });
    expect(r.status).toBe(201);
    executor = ((await r.json()) as { token: string }).token;
    cookie = await signInCookie(server);
  });
  afterAll(async () => {
    await server?.stop();
    await fx?.close();
  });

  it("the sops-age secret is stored without echo; the definition with decryption syncs; values are masks in the API", async () => {
    const put = await api("/api/v1/secrets", {
      method: "POST",
      token: admin,
      body: JSON.stringify({ name: "keys", type: "sops-age", identities: key.identity }),
    });
    expect(put.status).toBe(201);
    const putText = await put.text();
    expect(putText).not.toContain(key.identity);
    expect(await (await api("/api/v1/secrets", { token: admin })).text()).not.toContain(key.identity);
    const bad = await api("/api/v1/secrets", {
      method: "POST",
      token: admin,
      body: JSON.stringify({ name: "bad", type: "sops-age", identities: "AGE-SECRET-KEY-1XYZ" }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toContain("AGE-SECRET-KEY-1XYZ");
    const def = await api("/api/v1/definitions", {
      method: "POST",
      token: admin,
      body: JSON.stringify(definitionBody({ name: NAME, kind: "Vault", repoURL: repo.url, schema: { type: "object" }, decryptionSecret: "keys" })),
    });
    expect(def.status, await def.clone().text()).toBe(201);
    const run = await api(`/api/v1/definitions/${NAME}/sync?wait=true`, { method: "POST", token: operator, body: "{}" });
    expect(((await run.json()) as { phase: string }).phase).toBe("Succeeded");
    const got = (await (await api("/api/v1/resources/Vault/p/db", { token: viewer })).json()) as {
      spec: { password: string };
      status: { sopsPaths: string[] };
    };
    expect(got.spec.password).toMatch(/^<secret:[0-9a-f]{8}>$/);
    expect(got.status.sopsPaths).toEqual(["/password"]);
  });

  it("only an executor token reveals the cleartext; every attempt is audited", async () => {
    for (const [token, role] of [
      [viewer, "viewer"],
      [operator, "operator"],
      [admin, "admin"],
    ] as const) {
      const r = await api("/api/v1/resources/Vault/p/db?reveal=true", { token });
      expect(r.status, role).toBe(403);
      expect(await r.text()).not.toContain(PASSWORD);
    }
    const r = await api("/api/v1/resources/Vault/p/db?reveal=true", { token: executor });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { spec: { password: string } }).spec.password).toBe(PASSWORD);
    // an executor reads what a viewer reads, nothing an operator may do
    expect((await api(`/api/v1/definitions/${NAME}/sync`, { method: "POST", token: executor, body: "{}" })).status).toBe(403);
    const audit = await (await api("/api/v1/audit?action=resource.reveal&limit=50", { token: admin })).text();
    expect(audit).toContain('"result":"ok"');
    expect(audit.match(/"result":"denied"/g)?.length).toBe(3);
    expect(audit).not.toContain(PASSWORD);
    // the role is for tokens: a user cannot have it
    const u = await api("/api/v1/users", {
      method: "POST",
      token: admin,
      body: JSON.stringify({ username: "exec", password: "exec-password-1", role: "executor" }),
    });
    expect(u.status).toBe(400);
  });

  it("CLI: resource get KIND/NS/NAME shows masks; --reveal shows the cleartext for an executor token only", async () => {
    const cli = (token: string, args: string[]) =>
      runCli(args, { env: { SYNCLINE_SERVER: server.url, SYNCLINE_TOKEN: token, SYNCLINE_CONFIG: "/nonexistent/config.json" } });
    const masked = await cli(viewer, ["resource", "get", "Vault/p/db", "-o", "json"]);
    expect(masked.code, masked.stderr).toBe(0);
    expect((JSON.parse(masked.stdout) as { spec: { password: string } }).spec.password).toMatch(/^<secret:[0-9a-f]{8}>$/);
    const refused = await cli(admin, ["resource", "get", "Vault/p/db", "--reveal"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/only executor tokens may reveal/);
    expect(refused.stdout + refused.stderr).not.toContain(PASSWORD);
    const revealed = await cli(executor, ["resource", "get", "Vault/p/db", "--reveal", "-o", "json"]);
    expect(revealed.code, revealed.stderr).toBe(0);
    expect((JSON.parse(revealed.stdout) as { spec: { password: string } }).spec.password).toBe(PASSWORD);
  });

  it("a changed value: pages and API show fingerprints only (lock marks on the resource page), never the values; nor does the server log", async () => {
    commitFiles(repo.dir, { "resources/db.yaml": await vault(NEW_PASSWORD) }, "rotate the password");
    const diffApi = await (await api(`/api/v1/definitions/${NAME}/diff`, { token: viewer })).text();
    expect(diffApi).toMatch(/changed \(fingerprint [0-9a-f]{8} → [0-9a-f]{8}\)/);
    const run = (await (await api(`/api/v1/definitions/${NAME}/sync?wait=true`, { method: "POST", token: operator, body: "{}" })).json()) as { id: string };
    const pages = [`/definitions/${NAME}/resources/p/db`, `/runs/${run.id}`, `/definitions/${NAME}`, `/definitions/${NAME}/diff`, `/definitions/${NAME}/runs`];
    for (const p of pages) {
      const r = await fetch(`${server.url}${p}`, { headers: { cookie } });
      expect(r.status, p).toBe(200);
      const html = await r.text();
      expect(html, p).not.toContain(PASSWORD);
      expect(html, p).not.toContain(NEW_PASSWORD);
      if (p.startsWith("/runs/")) {
        // the run page shows the decryption failure on the document that failed
        expect(html).toContain("other-key");
        expect(html).toContain("SOPS_NO_MATCHING_KEY");
      }
      if (p.endsWith("/resources/p/db")) {
        expect(html).toContain("SOPS-managed fields");
        expect(html).toMatch(/spec\.password.{0,80}fingerprint/s);
      }
    }
    for (const p of ["/api/v1/resources?kind=Vault", `/api/v1/runs/${run.id}`, `/api/v1/definitions/${NAME}/runs`, "/api/v1/audit?limit=200"]) {
      const text = await (await api(p, { token: admin })).text();
      expect(text, p).not.toContain(PASSWORD);
      expect(text, p).not.toContain(NEW_PASSWORD);
    }
    expect(server.output()).not.toContain(PASSWORD);
    expect(server.output()).not.toContain(NEW_PASSWORD);
    expect(server.output()).not.toContain(key.identity);
  });
});
