/**
 * Hardening — HTTP, UI and access against the real server process (`next start`): cross-site
 * posts, spoofed internal headers, roles, hostile text stored inertly and answered as JSON,
 * raw server actions; and, in process, a property test of the webhook handler.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { issueToken, signInCookie, startAppServer, type AppServer } from "@/test/support/app-server";
import { definitionBody } from "@/test/support/definition-body";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { handleWebhook } from "@/lib/server/webhooks/handle-webhook";
import { signBody } from "@/lib/server/webhooks/verify";
import { putSecret } from "@/lib/server/services/secrets";
import { makeAdmin } from "./support";

const HOSTILE = [
  "<img src=x onerror=alert(1)>",
  "javascript:alert(document.cookie)",
  "abc\u202Egnp.exe",
  "ad\u200Bmin\u200D",
  "<script>alert(1)</script>",
  '"><svg onload=alert(1)>',
];

describe("hardening: HTTP, UI and access (real server)", () => {
  let server: AppServer;
  let fx: GitFixture;
  let admin: string;
  let viewer: string;
  let operator: string;
  let cookie: string;
  let viewerCookie: string;
  let repo: { dir: string; url: string };
  const NAME = "web.example.io";

  const api = (p: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${server.url}${p}`, {
      redirect: "manual",
      ...init,
      headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers ?? {}) },
    });

  const signIn = (username: string, password: string) => signInCookie(server, username, password);

  const runCount = async () =>
    ((await (await api(`/api/v1/definitions/${NAME}/runs?limit=500`, { token: admin })).json()) as { items: unknown[] }).items.length;

  beforeAll(async () => {
    fx = await startGitFixture();
    repo = fx.repo("web");
    commitFiles(
      repo.dir,
      {
        "resources/a.json": JSON.stringify({ kind: "Web", metadata: { name: "a", namespace: "p", labels: { note: HOSTILE[0]! } }, spec: { replicas: 1 } }),
      },
      `deploy ${HOSTILE.join(" ")}`,
    );
    server = await startAppServer({ env: { SYNCLINE_SCHEDULER: "0" } });
    admin = await issueToken(server, "admin");
    viewer = await issueToken(server, "viewer");
    operator = await issueToken(server, "operator");
    const r = await api("/api/v1/definitions", {
      method: "POST",
      token: admin,
      body: JSON.stringify(
        definitionBody({ name: NAME, kind: "Web", repoURL: repo.url, schema: { type: "object", properties: { replicas: { type: "integer" } } } }),
      ),
    });
    expect(r.status).toBe(201);
    cookie = await signIn("admin", server.adminPassword);
    const u = await api("/api/v1/users", {
      method: "POST",
      token: admin,
      body: JSON.stringify({ username: "vera", password: "viewer-password-1", role: "viewer" }),
    });
    expect([200, 201]).toContain(u.status);
    viewerCookie = await signIn("vera", "viewer-password-1");
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await fx?.close();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it("cross-site posts with a session cookie (text/plain, urlencoded, multipart; Origin evil, null or absent) are refused with 403 and start no run", async () => {
    const before = await runCount();
    const bodies: Array<[string, BodyInit]> = [
      ["text/plain", '{"dryRun":false}'],
      ["application/x-www-form-urlencoded", "dryRun=false"],
      ["multipart/form-data; boundary=xyz", '--xyz\r\nContent-Disposition: form-data; name="dryRun"\r\n\r\nfalse\r\n--xyz--\r\n'],
    ];
    for (const [type, body] of bodies) {
      for (const origin of ["https://evil.example", "null", undefined, `${server.url}.evil.example`, "http://127.0.0.1.evil.example"]) {
        const r = await fetch(`${server.url}/api/v1/definitions/${NAME}/sync`, {
          method: "POST",
          redirect: "manual",
          headers: { cookie, "content-type": type, ...(origin ? { origin } : {}) },
          body,
        });
        expect(r.status, `${type} from ${origin}`).toBe(403);
        expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/cross-origin request refused/);
      }
    }
    const del = await fetch(`${server.url}/api/v1/definitions/${NAME}`, { method: "DELETE", headers: { cookie, origin: "https://evil.example" } });
    expect(del.status).toBe(403);
    expect((await api(`/api/v1/definitions/${NAME}`, { token: viewer })).status).toBe(200);
    expect(await runCount()).toBe(before);
    // the same request from our own origin works (the check is not refusing everything)
    const ok = await fetch(`${server.url}/api/v1/definitions/${NAME}/sync?wait=true`, {
      method: "POST",
      headers: { cookie, origin: server.url, "content-type": "application/json" },
      body: "{}",
    });
    expect(ok.status).toBe(200);
    expect(await runCount()).toBe(before + 1);
  });

  it("x-middleware-subrequest (and other internal-looking headers) bypass nothing: no auth → 401, viewer → 403, cross-site cookie → 403, pages still ask for a login", async () => {
    const variants: Array<Record<string, string>> = [
      { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" },
      { "x-middleware-subrequest": "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware" },
      { "x-middleware-subrequest": "pages/_middleware" },
      { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" },
      { "x-invoke-path": "/api/v1/definitions", "x-invoke-query": "{}", "x-forwarded-for": "127.0.0.1", "x-real-ip": "127.0.0.1" },
    ];
    const before = await runCount();
    for (const h of variants) {
      const what = JSON.stringify(h);
      expect((await api("/api/v1/definitions", { headers: h })).status, what).toBe(401);
      expect((await api(`/api/v1/definitions/${NAME}/sync`, { method: "POST", headers: h, body: "{}" })).status, what).toBe(401);
      expect((await api(`/api/v1/definitions/${NAME}/sync`, { method: "POST", token: viewer, headers: h, body: "{}" })).status, what).toBe(403);
      expect((await api(`/api/v1/secrets`, { token: viewer, headers: h })).status, what).toBe(403);
      expect(
        (
          await fetch(`${server.url}/api/v1/definitions/${NAME}/sync`, {
            method: "POST",
            headers: { ...h, cookie, origin: "https://evil.example", "content-type": "text/plain" },
            body: "{}",
          })
        ).status,
        what,
      ).toBe(403);
      const page = await fetch(`${server.url}/admin/users`, { redirect: "manual", headers: h });
      const plain = await fetch(`${server.url}/admin/users`, { redirect: "manual" });
      expect(page.status, what).toBe(plain.status);
      expect(page.headers.get("location")).toBe(plain.headers.get("location"));
      expect(page.status === 200 ? await page.text() : "").not.toMatch(/vera/);
    }
    // Next answers a "middleware prefetch" with an empty 200 without running the handler: no data, no effect
    for (const [method, p] of [
      ["GET", "/api/v1/definitions"],
      ["GET", "/api/v1/secrets"],
      ["POST", `/api/v1/definitions/${NAME}/sync`],
      ["DELETE", `/api/v1/definitions/${NAME}`],
    ] as const) {
      const r = await api(p, { method, headers: { "x-middleware-prefetch": "1" }, ...(method === "POST" ? { body: "{}" } : {}) });
      const text = await r.text();
      expect([200, 204, 401]).toContain(r.status);
      if (r.status !== 401) expect(text === "" || text === "{}", `${method} ${p}: ${text}`).toBe(true);
    }
    expect((await api(`/api/v1/definitions/${NAME}`, { token: viewer })).status).toBe(200);
    expect(await runCount()).toBe(before);
  });

  it("a viewer calling sync, dry-run or rollback over the API is refused (403) with no side effect: no run row, no pin, audit shows no sync", async () => {
    const before = await runCount();
    const sha = "0".repeat(40);
    for (const [p, body] of [
      [`/api/v1/definitions/${NAME}/sync`, {}],
      [`/api/v1/definitions/${NAME}/sync?wait=true`, { dryRun: true }],
      [`/api/v1/definitions/${NAME}/rollback`, { commit: sha }],
      [`/api/v1/definitions/${NAME}/resume`, {}],
    ] as const) {
      const viaToken = await api(p, { method: "POST", token: viewer, body: JSON.stringify(body) });
      expect(viaToken.status, p).toBe(403);
      expect(((await viaToken.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
      const viaCookie = await fetch(`${server.url}${p}`, {
        method: "POST",
        headers: { cookie: viewerCookie, origin: server.url, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(viaCookie.status, p).toBe(403);
    }
    expect(await runCount()).toBe(before);
    const def = (await (await api(`/api/v1/definitions/${NAME}`, { token: admin })).json()) as { status: { pinnedRevision: string | null } };
    expect(def.status.pinnedRevision).toBeNull();
    const audit = (await (await api(`/api/v1/audit?limit=200`, { token: admin })).json()) as {
      items: Array<{ actor: string; action: string; result: string }>;
    };
    expect(audit.items.filter((e) => e.actor.startsWith("vera") && e.result === "ok")).toEqual([]);
  });

  it("a viewer calling the sync and rollback server actions directly (raw Next-Action POST) is refused with no run started", async () => {
    const manifestPath = path.join(process.cwd(), process.env.SYNCLINE_DIST_DIR ?? ".next", "server", "server-reference-manifest.json");
    const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as {
      node: Record<string, { exportedName?: string; filename?: string; workers: Record<string, unknown> }>;
    };
    const ids = Object.entries(manifest.node)
      .filter(([, v]) => v.exportedName === "syncAction" || v.exportedName === "rollbackAction")
      .map(([id, v]) => ({ id, name: v.exportedName!, page: Object.keys(v.workers)[0]! }));
    expect(ids.map((i) => i.name).sort()).toEqual(["rollbackAction", "syncAction"]);
    const before = await runCount();
    for (const { id, name } of ids) {
      const args = name === "syncAction" ? [{ name: NAME }] : [{ name: NAME, commit: "abcdef1" }];
      const r = await fetch(`${server.url}/definitions/${NAME}`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: viewerCookie, origin: server.url, "next-action": id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
        body: JSON.stringify(args),
      });
      const text = await r.text();
      expect(r.status).toBeLessThan(500);
      expect(text, name).toMatch(/FORBIDDEN|forbidden: this needs the operator role/);
      // no cookie at all
      const anon = await fetch(`${server.url}/definitions/${NAME}`, {
        method: "POST",
        redirect: "manual",
        headers: { origin: server.url, "next-action": id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
        body: JSON.stringify(args),
      });
      const anonText = await anon.text();
      expect(anonText).not.toMatch(/"ok":true/);
    }
    expect(await runCount()).toBe(before);
  });

  it("names carrying <img onerror>, javascript:, RTL or zero-width characters are refused (400) naming the rule", async () => {
    for (const bad of HOSTILE) {
      const r = await api("/api/v1/resources", {
        method: "POST",
        token: operator,
        body: JSON.stringify({ kind: "Web", metadata: { name: bad, namespace: "p" }, spec: { replicas: 1 } }),
      });
      expect(r.status, bad).toBe(400);
      const e = (await r.json()) as { error: { message: string } };
      expect(e.error.message).toMatch(/metadata\.name (contains control or invisible characters|".*" must (consist of|not contain))/);
      const ns = await api("/api/v1/resources", {
        method: "POST",
        token: operator,
        body: JSON.stringify({ kind: "Web", metadata: { name: "ok", namespace: bad }, spec: { replicas: 1 } }),
      });
      expect(ns.status, bad).toBe(400);
    }
    const def = await api("/api/v1/definitions", {
      method: "POST",
      token: admin,
      body: JSON.stringify({
        metadata: { name: "<img src=x onerror=alert(1)>" },
        spec: { group: "example.io", version: "v1", names: { kind: "Img", plural: "imgs" }, scope: "Namespaced" },
      }),
    });
    expect(def.status).toBe(400);
  });

  it("labels, annotations and commit messages carrying the same payloads are stored inertly and answered byte for byte as JSON text", async () => {
    const labels = Object.fromEntries(HOSTILE.map((v, i) => [`l${i}`, v]));
    const r = await api("/api/v1/resources", {
      method: "POST",
      token: operator,
      body: JSON.stringify({
        kind: "Web",
        metadata: { name: "labelled", namespace: "p", labels, annotations: { link: HOSTILE[1]! } },
        spec: { replicas: 1, html: HOSTILE[0] },
      }),
    });
    expect(r.status).toBe(201);
    const got = await api("/api/v1/resources/Web/p/labelled", { token: viewer });
    expect(got.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await got.json()) as { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: { html: string } };
    expect(body.metadata.labels).toEqual(labels);
    expect(body.metadata.annotations).toEqual({ link: HOSTILE[1] });
    expect(body.spec.html).toBe(HOSTILE[0]);
    // the commit message of the synced commit and the label from Git
    const runs = (await (await api(`/api/v1/definitions/${NAME}/runs`, { token: viewer })).json()) as {
      items: Array<{ commitMessage: string | null; phase: string }>;
    };
    const synced = runs.items.find((x) => x.phase === "Succeeded" && x.commitMessage);
    expect(synced?.commitMessage).toBe(`deploy ${HOSTILE.join(" ")}`);
    const a = (await (await api("/api/v1/resources/Web/p/a", { token: viewer })).json()) as { metadata: { labels: Record<string, string> } };
    expect(a.metadata.labels.note).toBe(HOSTILE[0]);
  });

  it("repo URLs with javascript:, data: or markup are refused (400) or stored as the exact text and answered as JSON", async () => {
    const base = { group: "example.io", version: "v1", scope: "Namespaced" };
    for (const [i, url] of ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "JaVaScRiPt:alert(1)"].entries()) {
      const r = await api("/api/v1/definitions", {
        method: "POST",
        token: admin,
        body: JSON.stringify({
          metadata: { name: `u${i}.example.io` },
          spec: { ...base, names: { kind: `U${i}`, plural: `u${i}s` }, gitops: { repoURL: url } },
        }),
      });
      expect(r.status, url).toBe(400);
      expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/transport is not allowed/);
    }
    const markup = 'https://git.example.com/x"><img src=x onerror=alert(1)>';
    const r = await api("/api/v1/definitions", {
      method: "POST",
      token: admin,
      body: JSON.stringify({ metadata: { name: "markup.example.io" }, spec: { ...base, names: { kind: "Mk", plural: "mks" }, gitops: { repoURL: markup } } }),
    });
    if (r.status === 201) {
      const got = await api("/api/v1/definitions/markup.example.io", { token: viewer });
      expect(got.headers.get("content-type")).toMatch(/^application\/json/);
      expect(((await got.json()) as { spec: { gitops: { repoURL: string } } }).spec.gitops.repoURL).toBe(markup);
    } else {
      expect(r.status).toBe(400);
    }
  });

  it("gitops.path ../x, a/../../b, ..%2f and backslashes are refused by the API with 400 naming spec.gitops.path", async () => {
    for (const bad of ["../x", "a/../../b", "..%2fx", "a\\b", "/etc/../../root"]) {
      const r = await api("/api/v1/definitions", {
        method: "POST",
        token: admin,
        body: JSON.stringify({
          metadata: { name: "p.example.io" },
          spec: { group: "example.io", version: "v1", names: { kind: "Pp", plural: "pps" }, scope: "Namespaced", gitops: { repoURL: repo.url, path: bad } },
        }),
      });
      expect(r.status, bad).toBe(400);
      const e = (await r.json()) as { error: { details: Array<{ path: string; message: string }> } };
      expect(e.error.details.map((d) => d.path)).toEqual(["spec.gitops.path"]);
    }
    expect((await api("/api/v1/definitions/p.example.io", { token: admin })).status).toBe(404);
  });
});

describe("hardening: webhook handler (in process)", () => {
  let store: TestStore;
  const SECRET = "webhook-hardening-secret-123";

  beforeAll(async () => {
    store = await openTestStore();
    const admin = await makeAdmin();
    await putSecret({ name: "webhook", type: "webhook", secret: SECRET }, admin);
  });
  afterAll(async () => {
    await store?.close();
  });

  const post = (provider: string, body: Uint8Array | string, headers: Record<string, string>) =>
    handleWebhook(
      provider,
      new Request(`http://127.0.0.1/api/webhooks/${provider}`, { method: "POST", headers, body: typeof body === "string" ? body : Buffer.from(body) }),
    );

  it("missing, wrong, truncated or wrongly prefixed signatures get 401 before the body is parsed", async () => {
    const body = '{"ref": "refs/heads/main", "repository": {"clone_url": "http://x/y.git"}}';
    const good = signBody(SECRET, Buffer.from(body), "sha256=");
    for (const sig of [
      undefined,
      "",
      "sha256=",
      good.slice(0, -1),
      good.slice(0, 20),
      good.replace("sha256=", "sha1="),
      good.toUpperCase().replace("SHA256=", "sha256=") + "0",
      signBody("wrong-secret-xyz", Buffer.from(body), "sha256="),
    ]) {
      const r = await post("github", "{ not json at all", { "x-github-event": "push", ...(sig !== undefined ? { "x-hub-signature-256": sig } : {}) });
      expect(r.status, String(sig)).toBe(401);
    }
  });

  it("property: random signed payloads, events and content types never give a 500 and never throw", async () => {
    const events = fc.constantFrom("push", "ping", "pull_request", "", "Push Hook", "tag_push", "\u0000", "x".repeat(300));
    const payloads = fc.oneof(
      fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
      fc
        .record({
          ref: fc.oneof(fc.string(), fc.constant("refs/heads/main"), fc.constant(null), fc.integer()),
          repository: fc.oneof(
            fc.constant(null),
            fc.jsonValue({ maxDepth: 3 }),
            fc.record({ clone_url: fc.oneof(fc.webUrl(), fc.string(), fc.constant(null)), html_url: fc.oneof(fc.webUrl(), fc.constant(42)) }),
          ),
          after: fc.string(),
        })
        .map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("latin1")),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("github", "gitea", "gitlab", "generic"),
        events,
        payloads,
        fc.constantFrom("application/json", "application/x-www-form-urlencoded", "text/plain"),
        async (provider, event, payload, type) => {
          const bytes = Buffer.from(payload, "utf8");
          const headers: Record<string, string> = { "content-type": type };
          if (provider === "github")
            Object.assign(headers, { "x-hub-signature-256": signBody(SECRET, bytes, "sha256="), "x-github-event": event.replace(/\u0000/g, "") });
          if (provider === "gitea") Object.assign(headers, { "x-gitea-signature": signBody(SECRET, bytes), "x-gitea-event": event.replace(/\u0000/g, "") });
          if (provider === "gitlab") Object.assign(headers, { "x-gitlab-token": SECRET, "x-gitlab-event": event.replace(/\u0000/g, "") });
          if (provider === "generic") Object.assign(headers, { "x-syncline-signature": signBody(SECRET, bytes, "sha256=") });
          const r = await post(provider, bytes, headers);
          expect(r.status).toBeLessThan(500);
          expect(r.status).not.toBe(401);
          const json = (await r.json()) as Record<string, unknown>;
          expect(typeof json).toBe("object");
        },
      ),
      { numRuns: 300, seed: 4_242 },
    );
  });
});
