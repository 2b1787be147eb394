/**
 * Hardening — accounts and authentication against the real server process (`next start`):
 * password guessing (M2), renames and ids in the audit trail (M4), token minting and expiry
 * (L1), user enumeration (L2), framing headers (L3), session tokens and directories at rest
 * (L8), disabling, deleting and signing out users and the last-admin guard (L10, issue 18);
 * token expiry and the client-address rule also in process.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, startAppServer, type AppServer } from "@/test/support/app-server";
import { definitionBody } from "@/test/support/definition-body";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { filesContaining } from "./support";
import { createUser } from "@/lib/server/services/users";
import { resolvePrincipal } from "@/lib/server/auth/principal";
import { newApiToken } from "@/lib/server/auth/tokens";
import { createApiTokenRow } from "@/lib/server/data/tokens";
import { parseTrustedProxies, resolveClientAddress } from "@/lib/server/auth/client-address";

interface AuditItem {
  actor: string;
  actorId: string | null;
  tokenId: string | null;
  action: string;
  result: string;
  target: string | null;
  details: Record<string, unknown>;
}

describe("hardening: accounts and authentication (real server)", () => {
  let server: AppServer;
  let fx: GitFixture;
  let admin: string;
  let adminId: string;
  const users: Record<string, string> = {};
  const DEF = "acct.example.io";

  const api = (p: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${server.url}${p}`, {
      redirect: "manual",
      ...init,
      headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers ?? {}) },
    });
  const signInRaw = (username: string, password: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/auth/sign-in/username`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url, ...headers },
      body: JSON.stringify({ username, password }),
    });
  const cookieOf = (r: Response) =>
    r.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
  const signIn = async (username: string, password: string) => {
    const r = await signInRaw(username, password);
    expect(r.status, `sign-in of ${username}`).toBe(200);
    return cookieOf(r);
  };
  const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  const basicToken = (username: string, password: string, headers: Record<string, string> = {}, body: unknown = { name: "t" }) =>
    api("/api/v1/tokens", { method: "POST", headers: { authorization: basic(username, password), ...headers }, body: JSON.stringify(body) });
  const whoAmI = (init: { token?: string; cookie?: string }) =>
    api("/api/v1/tokens", { token: init.token, headers: init.cookie ? { cookie: init.cookie } : {} });
  const addUser = async (username: string, role: "viewer" | "operator" | "admin" = "viewer") => {
    const r = await api("/api/v1/users", { method: "POST", token: admin, body: JSON.stringify({ username, password: `${username}-password-1`, role }) });
    expect(r.status, await r.clone().text()).toBe(201);
    users[username] = ((await r.json()) as { id: string }).id;
    return users[username]!;
  };
  const auditItems = async (query = "limit=500") => ((await (await api(`/api/v1/audit?${query}`, { token: admin })).json()) as { items: AuditItem[] }).items;
  const patchUser = (id: string, body: unknown, token = admin) => api(`/api/v1/users/${id}`, { method: "PATCH", token, body: JSON.stringify(body) });

  /** The login form's server action, posted the way React encodes a (prevState, FormData) call. */
  const loginAction = async (username: string, password: string, headers: Record<string, string> = {}) => {
    const manifestPath = path.join(process.cwd(), process.env.SYNCLINE_DIST_DIR ?? ".next", "server", "server-reference-manifest.json");
    const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as { node: Record<string, { exportedName?: string; filename?: string }> };
    const id = Object.entries(manifest.node).find(([, v]) => v.exportedName === "signIn" && (v.filename ?? "").includes("actions/auth"))?.[0];
    expect(id, "the signIn server action in the build's manifest").toBeTruthy();
    const form = new FormData();
    // React's encoding: the form's fields first (prefixed by its part id), the argument list last
    form.set("_1_username", username);
    form.set("_1_password", password);
    form.set("0", JSON.stringify(["$undefined", "$K1"]));
    const r = await fetch(`${server.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: server.url, "next-action": id!, accept: "text/x-component", ...headers },
      body: form,
    });
    return { status: r.status, text: await r.text(), cookie: cookieOf(r) };
  };

  beforeAll(async () => {
    fx = await startGitFixture();
    const repo = fx.repo("acct");
    commitFiles(repo.dir, { "resources/a.json": JSON.stringify({ kind: "Acct", metadata: { name: "a", namespace: "p" }, spec: { replicas: 1 } }) }, "one");
    // a data directory the server creates itself, so its mode is the server's doing
    const dataDir = path.join(os.tmpdir(), `syncline-accounts-${crypto.randomBytes(6).toString("hex")}`);
    server = await startAppServer({ dataDir, env: { SYNCLINE_SCHEDULER: "0" } });
    admin = await issueToken(server, "admin");
    adminId = ((await (await api("/api/v1/users", { token: admin })).json()) as { items: Array<{ id: string; username: string }> }).items.find(
      (u) => u.username === "admin",
    )!.id;
    const d = await api("/api/v1/definitions", {
      method: "POST",
      token: admin,
      body: JSON.stringify(
        definitionBody({ name: DEF, kind: "Acct", repoURL: repo.url, schema: { type: "object", properties: { replicas: { type: "integer" } } } }),
      ),
    });
    expect(d.status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await fx?.close();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it("M2: five wrong passwords through the login form lock that account for the client: the sixth try (right password) is refused with the wait, also at the sign-in endpoint (429 + Retry-After) and with a spoofed X-Forwarded-For; each failure is audited without the password", async () => {
    const id = await addUser("lena");
    for (let i = 0; i < 5; i++) {
      const r = await loginAction("lena", `wrong-password-${i}`, { "x-forwarded-for": `203.0.113.${i + 1}` });
      expect(r.status).toBe(200);
      expect(r.text).toMatch(/Wrong username or password/);
    }
    const locked = await loginAction("lena", "lena-password-1", { "x-forwarded-for": "198.51.100.77" });
    expect(locked.text).toMatch(/Too many failed sign-ins: try again in \d+ s/);
    expect(locked.text).toMatch(/"retryAfterSeconds":\d+/);
    expect(locked.cookie).not.toMatch(/session_token/);
    const endpoint = await signInRaw("lena", "lena-password-1", { "x-forwarded-for": "192.0.2.200" });
    expect(endpoint.status).toBe(429);
    expect(Number(endpoint.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await endpoint.json()) as { error: { code: string } }).error.code).toBe("TOO_MANY_REQUESTS");
    const denied = (await auditItems("action=auth.login&result=denied")).filter((e) => e.actor === "lena");
    expect(denied).toHaveLength(5);
    expect(denied.every((e) => e.actorId === id && e.details.client === "127.0.0.1")).toBe(true);
    expect(JSON.stringify(denied)).not.toMatch(/wrong-password/);
    expect((await auditItems("action=auth.lockout")).some((e) => e.actor === "lena")).toBe(true);
    const linaId = await addUser("lina");
    const ok = await loginAction("lina", "lina-password-1");
    expect(ok.text).toMatch(/"ok":true/);
    expect(ok.cookie).toMatch(/session_token=/);
    expect((await auditItems("action=auth.login&result=ok")).find((e) => e.actor === "lina")?.actorId).toBe(linaId);
  });

  it("M2: five wrong HTTP Basic passwords on /api/v1/tokens answer 401, then 429 with Retry-After even for the right password and a spoofed X-Forwarded-For; the failures are audited", async () => {
    await addUser("basil");
    for (let i = 0; i < 5; i++) expect((await basicToken("basil", `nope-${i}`, { "x-forwarded-for": `203.0.113.${50 + i}` })).status).toBe(401);
    const r = await basicToken("basil", "basil-password-1", { "x-forwarded-for": "198.51.100.9" });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    const denied = (await auditItems("action=auth.login&result=denied")).filter((e) => e.actor === "basil");
    expect(denied).toHaveLength(5);
    expect(denied.every((e) => e.details.channel === "basic" && e.actorId === users.basil)).toBe(true);
  });

  it("M4: a viewer's update-user {username: 'system'} (or any new name) is refused and the name stays; an admin cannot take a reserved name; an admin rename is audited with both ids", async () => {
    const id = await addUser("vera");
    const cookie = await signIn("vera", "vera-password-1");
    for (const username of ["system", "vera2"]) {
      const r = await api("/api/auth/update-user", { method: "POST", headers: { cookie, origin: server.url }, body: JSON.stringify({ username }) });
      expect(r.status, username).toBe(403);
    }
    const listed = ((await (await api("/api/v1/users", { token: admin })).json()) as { items: Array<{ id: string; username: string }> }).items;
    expect(listed.find((u) => u.id === id)?.username).toBe("vera");
    expect(listed.some((u) => u.username === "system")).toBe(false);
    const reserved = await patchUser(id, { username: "system" });
    expect(reserved.status).toBe(400);
    expect(((await reserved.json()) as { error: { message: string } }).error.message).toMatch(/"system" is reserved/);
    expect(
      (await api("/api/v1/users", { method: "POST", token: admin, body: JSON.stringify({ username: "System", password: "long-enough-1", role: "viewer" }) }))
        .status,
    ).toBe(400);
    const renamed = await patchUser(id, { username: "vera.k" });
    expect(renamed.status).toBe(200);
    const event = (await auditItems("action=user.rename")).find((e) => e.details.userId === id);
    expect(event).toMatchObject({ actorId: adminId, details: { from: "vera", to: "vera.k" } });
    expect(event?.tokenId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await signInRaw("vera.k", "vera-password-1")).status).toBe(200);
  });

  it("M4: a run records its initiator's user and token ids, and the API shows them", async () => {
    const r = await api(`/api/v1/definitions/${DEF}/sync?wait=true`, { method: "POST", token: admin, body: "{}" });
    expect([200, 202]).toContain(r.status);
    const run = (await r.json()) as { initiator: string; initiatorId: string | null; initiatorTokenId: string | null };
    expect(run.initiator).toBe("admin");
    expect(run.initiatorId).toBe(adminId);
    expect(run.initiatorTokenId).toMatch(/^[0-9a-f-]{36}$/);
    const start = (await auditItems("action=sync.start")).at(0);
    expect(start?.actorId).toBe(adminId);
    expect(start?.tokenId).toBe(run.initiatorTokenId);
  });

  it("L1: an API token cannot create tokens (403); tokens carry expiresAt (90 days unless asked, at most SYNCLINE_TOKEN_MAX_DAYS), shown by the API", async () => {
    const minted = await api("/api/v1/tokens", { method: "POST", token: admin, body: JSON.stringify({ name: "child" }) });
    expect(minted.status).toBe(403);
    expect(((await minted.json()) as { error: { message: string } }).error.message).toMatch(/token cannot create tokens/);
    const t = (await (await basicToken("admin", server.adminPassword, {}, { name: "ninety" })).json()) as { id: string; expiresAt: string };
    const days = (Date.parse(t.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThan(90.1);
    const short = (await (await basicToken("admin", server.adminPassword, {}, { name: "seven", expiresInDays: 7 })).json()) as { expiresAt: string };
    expect(Math.round((Date.parse(short.expiresAt) - Date.now()) / 86_400_000)).toBe(7);
    const tooLong = await basicToken("admin", server.adminPassword, {}, { name: "forever", expiresInDays: 1000 });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: { message: string } }).error.message).toMatch(/expiresInDays: at most 365/);
    const listed = ((await (await api("/api/v1/tokens", { token: admin })).json()) as { items: Array<{ id: string; expiresAt: string }> }).items;
    expect(listed.find((x) => x.id === t.id)?.expiresAt).toBe(t.expiresAt);
  });

  it("L2: POST /api/auth/is-username-available answers 404 and tells nothing about which accounts exist", async () => {
    for (const username of ["admin", "nobody-here"]) {
      const r = await api("/api/auth/is-username-available", { method: "POST", headers: { origin: server.url }, body: JSON.stringify({ username }) });
      expect(r.status, username).toBe(404);
      expect(await r.text()).not.toMatch(/available/);
    }
  });

  it("L3: pages and API answers carry X-Frame-Options DENY, a CSP with frame-ancestors 'none', nosniff and a Referrer-Policy", async () => {
    for (const p of ["/login", "/api/healthz", "/api/v1/definitions"]) {
      const r = await fetch(`${server.url}${p}`, { redirect: "manual" });
      expect(r.headers.get("x-frame-options"), p).toBe("DENY");
      expect(r.headers.get("content-security-policy"), p).toMatch(/frame-ancestors 'none'/);
      expect(r.headers.get("content-security-policy"), p).toMatch(/worker-src 'self' blob:/);
      expect(r.headers.get("x-content-type-options"), p).toBe("nosniff");
      expect(r.headers.get("referrer-policy"), p).toBe("same-origin");
    }
  });

  it("L10: an admin disables a user: their session and token stop at once, they cannot sign in, and it is audited; enabled again they can", async () => {
    const id = await addUser("dora", "operator");
    const cookie = await signIn("dora", "dora-password-1");
    const token = (await (await basicToken("dora", "dora-password-1")).json()) as { token: string };
    expect((await whoAmI({ cookie })).status).toBe(200);
    expect((await whoAmI({ token: token.token })).status).toBe(200);
    const r = await patchUser(id, { disabled: true });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ disabled: true, sessionsEnded: 1 });
    expect((await whoAmI({ cookie })).status).toBe(401);
    expect((await whoAmI({ token: token.token })).status).toBe(401);
    const again = await signInRaw("dora", "dora-password-1");
    expect(again.status).toBe(403);
    expect(cookieOf(again)).not.toMatch(/session_token=[^;]/);
    expect((await basicToken("dora", "dora-password-1")).status).toBe(401);
    expect((await auditItems("action=user.disable")).find((e) => e.details.userId === id)?.actorId).toBe(adminId);
    const listed = ((await (await api("/api/v1/users", { token: admin })).json()) as { items: Array<{ id: string; disabledAt: string | null }> }).items;
    expect(listed.find((u) => u.id === id)?.disabledAt).toBeTruthy();
    expect((await patchUser(id, { disabled: false })).status).toBe(200);
    expect((await signInRaw("dora", "dora-password-1")).status).toBe(200);
    expect((await whoAmI({ token: token.token })).status).toBe(200);
  });

  it("L10: an admin ends another user's sessions: the cookie stops working at once, their API token does not; audited", async () => {
    const id = await addUser("sven");
    const a = await signIn("sven", "sven-password-1");
    const b = await signIn("sven", "sven-password-1");
    const token = (await (await basicToken("sven", "sven-password-1")).json()) as { token: string };
    const r = await api(`/api/v1/users/${id}/sessions`, { method: "DELETE", token: admin });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { sessionsEnded: number }).sessionsEnded).toBe(2);
    expect((await whoAmI({ cookie: a })).status).toBe(401);
    expect((await whoAmI({ cookie: b })).status).toBe(401);
    expect((await whoAmI({ token: token.token })).status).toBe(200);
    expect((await auditItems("action=user.end-sessions")).find((e) => e.details.userId === id)).toMatchObject({
      actorId: adminId,
      details: { sessionsEnded: 2 },
    });
  });

  it("L10: an admin deletes a user: their session and tokens stop, the name is free again, and the audit keeps the id", async () => {
    const id = await addUser("otto");
    const cookie = await signIn("otto", "otto-password-1");
    const token = (await (await basicToken("otto", "otto-password-1")).json()) as { token: string };
    expect((await api(`/api/v1/users/${id}`, { method: "DELETE", token: admin })).status).toBe(204);
    expect((await whoAmI({ cookie })).status).toBe(401);
    expect((await whoAmI({ token: token.token })).status).toBe(401);
    expect((await signInRaw("otto", "otto-password-1")).status).toBe(401);
    expect((await auditItems("action=user.delete")).find((e) => e.details.userId === id)).toMatchObject({ actorId: adminId, target: "otto" });
    const reborn = await addUser("otto");
    expect(reborn).not.toBe(id);
    expect((await api(`/api/v1/users/${id}`, { method: "DELETE", token: admin })).status).toBe(404);
  });

  it("issue 18: the last enabled admin cannot be demoted, disabled or deleted (409 naming why); with a second admin the rules for oneself apply (400) and another admin can demote", async () => {
    for (const [body, verb] of [
      [{ role: "operator" }, "demote"],
      [{ disabled: true }, "disable"],
    ] as const) {
      const r = await patchUser(adminId, body);
      expect(r.status, verb).toBe(409);
      expect(((await r.json()) as { error: { message: string } }).error.message).toBe(
        `cannot ${verb} admin: it is the last enabled admin; make another user admin first`,
      );
    }
    const del = await api(`/api/v1/users/${adminId}`, { method: "DELETE", token: admin });
    expect(del.status).toBe(409);
    expect(((await del.json()) as { error: { message: string } }).error.message).toMatch(/last enabled admin/);
    const secondId = await addUser("ada", "admin");
    const second = await issueTokenAs("ada", "ada-password-1");
    expect((await patchUser(adminId, { role: "operator" })).status).toBe(400);
    expect((await patchUser(adminId, { role: "operator" }, second)).status).toBe(200);
    // now ada is the last enabled admin
    const r = await patchUser(secondId, { role: "viewer" }, second);
    expect(r.status).toBe(409);
    expect((await patchUser(adminId, { role: "admin" }, second)).status).toBe(200);
    expect((await patchUser(secondId, { disabled: true })).status).toBe(200);
    expect((await api(`/api/v1/users/${adminId}`, { method: "DELETE", token: admin })).status).toBe(409);
  });

  async function issueTokenAs(username: string, password: string): Promise<string> {
    const r = await basicToken(username, password, {}, { name: `${username}-token` });
    expect(r.status).toBe(201);
    return ((await r.json()) as { token: string }).token;
  }

  it("L8: the session table keeps only SHA-256 hashes of cookie tokens (no token in any file of the store, WAL included); the data directory and the Git cache are 0700", async () => {
    const r = await signInRaw("admin", server.adminPassword);
    expect(r.status).toBe(200);
    const cookie = r.headers.getSetCookie().find((c) => c.includes("session_token="))!;
    const token = decodeURIComponent(/session_token=([^;]+)/.exec(cookie)![1]!).split(".")[0]!;
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect((fs.statSync(server.dataDir).mode & 0o777).toString(8)).toBe("700");
    expect((fs.statSync(path.join(server.dataDir, "git")).mode & 0o777).toString(8)).toBe("700");
    await server.stop(); // the store is flushed and closed: every byte it wrote is on disk
    const hash = crypto.createHash("sha256").update(token).digest("hex");
    expect(filesContaining(server.dataDir, hash).length, "the hash is stored (the scan sees the session table)").toBeGreaterThan(0);
    expect(filesContaining(server.dataDir, token)).toEqual([]);
    await server.restart();
    expect((await api("/api/v1/tokens", { headers: { cookie: cookie.split(";")[0]! } })).status, "the cookie still works after a restart").toBe(200);
  });
});

describe("hardening: accounts in process (expired tokens, the client address)", () => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(async () => {
    await store?.close();
  });

  it("L1: a token past its expiresAt is refused at auth time; the same token unexpired is accepted", async () => {
    const u = await createUser({ username: "tess", password: "tess-password-1", role: "operator" });
    const make = async (expiresAt: Date) => {
      const t = newApiToken();
      await createApiTokenRow({ name: "t", tokenHash: t.hash, prefix: t.prefix, role: "operator", userId: u.id, expiresAt });
      return new Headers({ authorization: `Bearer ${t.token}` });
    };
    expect(await resolvePrincipal(await make(new Date(Date.now() - 1000)))).toBeNull();
    expect((await resolvePrincipal(await make(new Date(Date.now() + 60_000))))?.username).toBe("tess");
  });

  it("M2: the client address is the socket peer unless that is a trusted proxy; then the forwarded chain read from the right past trusted hops", () => {
    const none = parseTrustedProxies(undefined);
    expect(resolveClientAddress("127.0.0.1", "6.6.6.6", none)).toBe("127.0.0.1");
    expect(resolveClientAddress("::ffff:10.0.0.5", "6.6.6.6", none)).toBe("10.0.0.5");
    const proxies = parseTrustedProxies("10.0.0.0/8, 192.0.2.7");
    expect(resolveClientAddress("10.0.0.5", "6.6.6.6, 203.0.113.9", proxies)).toBe("203.0.113.9");
    expect(resolveClientAddress("10.0.0.5", "6.6.6.6, 203.0.113.9, 192.0.2.7", proxies)).toBe("203.0.113.9");
    expect(resolveClientAddress("198.51.100.1", "6.6.6.6", proxies)).toBe("198.51.100.1");
    expect(resolveClientAddress("10.0.0.5", "garbage, 10.1.1.1", proxies)).toBe("10.1.1.1");
    expect(() => parseTrustedProxies("10.0.0.0/8, not-an-ip")).toThrow(/"not-an-ip" is not an IP address or CIDR range/);
  });
});
