/**
 * Hardening — request input against the real server (issue 19 H3, L7 and M3's API half):
 * bodies are counted while they stream and refused at the cap (16 KB on /api/auth/*, 2 MiB on
 * /api/v1, none where a route takes none) without the server's memory following the body;
 * NUL bytes, Git errors, usernames better-auth refuses and deep JSON answer a 4xx in the one
 * error shape, never a 500.
 */
import fs from "node:fs";
import http from "node:http";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInCookie, startAppServer, type AppServer } from "@/test/support/app-server";
import { definitionBody } from "@/test/support/definition-body";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";

const NAME = "widgets.input.io";

describe("hardening: request bodies and odd input (real server)", () => {
  let server: AppServer;
  let fx: GitFixture;
  /** the admin's session cookie; requests carry it with our Origin, as the dashboard's do */
  let admin: string;

  /** Runs `work` while sampling the server's RSS every 20 ms: growth of the highest sample over the one before, in MiB. */
  async function rssGrowthDuring<T>(work: () => Promise<T>): Promise<{ result: T; growthMiB: number; baseMiB: number }> {
    const base = serverMemory().now;
    let highest = base;
    const timer = setInterval(() => (highest = Math.max(highest, serverMemory().now)), 20);
    try {
      const result = await work();
      highest = Math.max(highest, serverMemory().now);
      return { result, growthMiB: highest - base, baseMiB: base };
    } finally {
      clearInterval(timer);
    }
  }

  /** Peak and current RSS of the process listening on the server's port, in MiB. */
  const serverMemory = (): { peak: number; now: number } => {
    const out = execFileSync("ss", ["-ltnpH", `sport = :${server.port}`]).toString();
    const pid = /pid=(\d+)/.exec(out)?.[1];
    if (!pid) throw new Error(`no pid listening on ${server.port}: ${out}`);
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { peak: kb("VmHWM") / 1024, now: kb("VmRSS") / 1024 };
  };

  /**
   * Sends `totalBytes` as a chunked body (no Content-Length), 1 MiB at a time, until done or
   * refused. The server answers 413 and closes while the client is still writing: when the close
   * wins the race (EPIPE / ECONNRESET before the answer was read, seen on a loaded CI machine), the
   * request is made again, at most twice more; the answer must come.
   */
  const chunkedRequest = async (method: string, path: string, headers: Record<string, string>, totalBytes: number) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await chunkedRequestOnce(method, path, headers, totalBytes);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (attempt >= 3 || (code !== "EPIPE" && code !== "ECONNRESET")) throw err;
      }
    }
  };
  const chunkedRequestOnce = (method: string, path: string, headers: Record<string, string>, totalBytes: number) =>
    new Promise<{ status: number; body: string; sentBytes: number }>((resolve, reject) => {
      const req = http.request(`${server.url}${path}`, { method, agent: false, headers: { ...headers, "transfer-encoding": "chunked" } });
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      let sent = 0;
      let answered = false;
      req.on("response", (res) => {
        answered = true;
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, sentBytes: sent }));
      });
      req.on("error", (e) => (answered ? undefined : reject(e)));
      const pump = () => {
        while (!answered && sent < totalBytes) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        if (!answered) req.end();
      };
      req.write('{"username":"admin","password":"');
      pump();
    });

  /** Raw request (fetch cannot send a body with GET, nor a path with %00 unchanged). */
  const raw = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    new Promise<{ status: number; json: unknown }>((resolve, reject) => {
      const req = http.request(`${server.url}${path}`, { method, agent: false, headers: { cookie: admin, origin: server.url, ...headers } }, (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => {
          let json: unknown = text;
          try {
            json = JSON.parse(text);
          } catch {
            /* not JSON: the assertion on the shape says so */
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      });
      req.on("error", reject);
      req.end(body);
    });

  const expectShape = (r: { status: number; json: unknown }, status: number, message: RegExp) => {
    expect(r.status, JSON.stringify(r.json)).toBe(status);
    const err = (r.json as { error?: { code?: unknown; message?: unknown } }).error;
    expect(typeof err?.code).toBe("string");
    expect(String(err?.message)).toMatch(message);
  };

  beforeAll(async () => {
    fx = await startGitFixture();
    const repo = fx.repo("input");
    commitFiles(repo.dir, { "resources/a.json": JSON.stringify({ kind: "Widget", metadata: { name: "a", namespace: "p" }, spec: { replicas: 1 } }) }, "first");
    server = await startAppServer({ env: { SYNCLINE_SCHEDULER: "0" } });
    admin = await signInCookie(server);
    const r = await fetch(`${server.url}/api/v1/definitions`, {
      method: "POST",
      headers: { cookie: admin, origin: server.url, "content-type": "application/json" },
      body: JSON.stringify(
        definitionBody({
          name: NAME,
          kind: "Widget",
          repoURL: repo.url,
          schema: { type: "object", properties: { replicas: { type: "integer" }, note: { type: "string" } } },
        }),
      ),
    });
    expect(r.status).toBe(201);
    const s = await fetch(`${server.url}/api/v1/definitions/${NAME}/sync?wait=true`, { method: "POST", headers: { cookie: admin, origin: server.url } });
    expect(s.status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await fx?.close();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  it("H3: a 300 MB chunked sign-in body without Content-Length is refused with 413 at 16 KB; the server's peak RSS grows < 50 MiB", async () => {
    const {
      result: r,
      growthMiB,
      baseMiB,
    } = await rssGrowthDuring(() =>
      chunkedRequest("POST", "/api/auth/sign-in/username", { "content-type": "application/json", origin: server.url }, 300 * 1024 * 1024),
    );
    console.log(`H3 auth: RSS ${baseMiB.toFixed(0)} MiB, grew ${growthMiB.toFixed(0)} MiB; ${(r.sentBytes / 2 ** 20).toFixed(0)} MiB sent before the answer`);
    expectShape({ status: r.status, json: JSON.parse(r.body) }, 413, /over 16384 bytes/);
    expect(growthMiB).toBeLessThan(50);
  }, 180_000);

  it("H3: a 300 MB chunked body to a /api/v1 resource PUT is refused with 413 at 2 MiB; the server's peak RSS grows < 50 MiB", async () => {
    const {
      result: r,
      growthMiB,
      baseMiB,
    } = await rssGrowthDuring(() =>
      chunkedRequest("PUT", "/api/v1/resources/Widget/p/a", { "content-type": "application/json", cookie: admin, origin: server.url }, 300 * 1024 * 1024),
    );
    console.log(`H3 v1: RSS ${baseMiB.toFixed(0)} MiB, grew ${growthMiB.toFixed(0)} MiB; ${(r.sentBytes / 2 ** 20).toFixed(0)} MiB sent before the answer`);
    expectShape({ status: r.status, json: JSON.parse(r.body) }, 413, /over 2097152 bytes/);
    expect(growthMiB).toBeLessThan(50);
  }, 180_000);

  it("H3: routes that take no body refuse one: GET and DELETE with a body (4xx), refresh with 64 KB (413); refresh with {} still works", async () => {
    // a GET with a body is refused by Next.js itself before any route (400, no body): never reaches a handler
    const get = await raw("GET", `/api/v1/definitions/${NAME}`, { "content-type": "application/json" }, JSON.stringify({ x: 1 }));
    expect(get.status).toBeGreaterThanOrEqual(400);
    expect(get.status).toBeLessThan(500);
    const del = await raw("DELETE", "/api/v1/tokens/nope", { "content-type": "application/json" }, "{}");
    expect(del.status).toBeGreaterThanOrEqual(400);
    expect(del.status).toBeLessThan(500);
    expectShape(
      await raw("POST", `/api/v1/definitions/${NAME}/refresh`, { "content-type": "application/json" }, JSON.stringify({ pad: "x".repeat(64 * 1024) })),
      413,
      /takes no request body/,
    );
    expect((await raw("POST", `/api/v1/definitions/${NAME}/refresh`, { "content-type": "application/json" }, "{}")).status).toBe(200);
  });

  it("L7: NUL bytes in a path segment or a query parameter answer 400 in the error shape, on /api/v1 and /api/auth", async () => {
    expectShape(await raw("GET", "/api/v1/definitions/a%00b"), 400, /path segment name contains U\+0000/);
    expectShape(await raw("GET", "/api/v1/resources?kind=Widget%00"), 400, /query parameter kind contains U\+0000/);
    expectShape(await raw("GET", `/api/v1/resources/Widget/p/a%00`), 400, /U\+0000/);
    expectShape(await raw("GET", "/api/auth/get-session?x=%00"), 400, /U\+0000/);
  });

  it("L7: a Git error from the diff endpoint (unknown revision) answers 4xx in the error shape, not 500", async () => {
    const r = await raw("GET", `/api/v1/definitions/${NAME}/diff?revision=${"f".repeat(40)}`);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expectShape(r, r.status, /revision|not found/i);
    const bad = await raw("GET", `/api/v1/definitions/${NAME}/diff?revision=${encodeURIComponent("-x --upload-pack=y")}`);
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
  });

  it("L7: usernames better-auth refuses (a number, an object, NUL, too long) answer 4xx in the error shape, never 500", async () => {
    const cookie = await signInCookie(server);
    const update = (username: unknown) =>
      raw("POST", "/api/auth/update-user", { "content-type": "application/json", origin: server.url, cookie }, JSON.stringify({ username }));
    expectShape(await update(5), 400, /^username must be a string$/);
    expectShape(await update({ $ne: 1 }), 400, /^username must be a string$/);
    expectShape(await update("ad\u0000min"), 400, /username: contains U\+0000/);
    const long = await update("x".repeat(5000));
    expect(long.status).toBeGreaterThanOrEqual(400);
    expect(long.status).toBeLessThan(500);
    expectShape(long, long.status, /too long/i);
    expectShape(
      await raw(
        "POST",
        "/api/auth/sign-in/username",
        { "content-type": "application/json", origin: server.url },
        JSON.stringify({ username: 12, password: "x" }),
      ),
      400,
      /^username must be a string$/,
    );
  });

  it("L7: JSON nested 100,000 deep (a body, a resource spec) answers 400 naming the limit, on /api/v1 and /api/auth", async () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expectShape(await raw("POST", "/api/v1/definitions", { "content-type": "application/json" }, deep), 400, /nested deeper than 100 levels/);
    const deepSpec = `{"metadata":{"name":"a","namespace":"p"},"spec":{"d":${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}}}`;
    expectShape(await raw("PUT", "/api/v1/resources/Widget/p/a", { "content-type": "application/json" }, deepSpec), 400, /nested deeper than 100 levels/);
    const deepAuth = `{"username":${"[".repeat(5000)}${"]".repeat(5000)},"password":"x"}`;
    expectShape(
      await raw("POST", "/api/auth/is-username-available", { "content-type": "application/json", origin: server.url }, deepAuth),
      400,
      /nested deeper than 100 levels/,
    );
  });

  it("M3: U+0000 in a resource's spec (value or key) is refused with 400 naming the field; nothing is stored", async () => {
    const put = (spec: unknown) =>
      raw("PUT", "/api/v1/resources/Widget/p/a", { "content-type": "application/json" }, JSON.stringify({ metadata: { name: "a", namespace: "p" }, spec }));
    expectShape(await put({ replicas: 2, note: "a\u0000b" }), 400, /^spec\.note: contains U\+0000/);
    expectShape(await put({ replicas: 2, ["k\u0000"]: "v" }), 400, /^spec\."k\\u0000": contains U\+0000/);
    const view = (await raw("GET", "/api/v1/resources/Widget/p/a")).json as { spec: { replicas: number } };
    expect(view.spec.replicas).toBe(1);
  });
});
