/**
 * Hardening — H2 of issue 19: validating hostile specs must not freeze the server. Against the
 * real server process: an operator's resource PUT with an 80 KB `format: url` value that makes
 * ajv-formats' native expression backtrack (7.7 s before), one with 20,000 distinct objects
 * under `uniqueItems` (17 s before), and a Git file with the same content during a refresh.
 * `/api/healthz` is polled throughout and must answer every time within 200 ms.
 */
import fs from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInCookie, startAppServer, type AppServer } from "@/test/support/app-server";
import { definitionBody } from "@/test/support/definition-body";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";

const NAME = "widgets.stall.io";
const schema = {
  type: "object",
  properties: {
    replicas: { type: "integer" },
    link: { type: "string", format: "url" },
    tags: { type: "array", uniqueItems: true },
  },
};
/** "http://a:" then 80,000 colons: ajv-formats' `url` expression backtracks quadratically on it */
const HOSTILE_URL = "http://a:" + ":".repeat(80_000) + "@ ";
const UNIQUE_OBJECTS = Array.from({ length: 20_000 }, (_, i) => ({ id: i }));

describe("hardening: validation never freezes the event loop (real server)", () => {
  let server: AppServer;
  let fx: GitFixture;
  let repo: { dir: string; url: string };
  /** the admin's session cookie (same-origin requests, as the dashboard makes them) */
  let cookie: string;

  const api = (p: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${server.url}${p}`, { ...init, headers: { "content-type": "application/json", cookie, origin: server.url, ...(init.headers ?? {}) } });

  /** One GET /api/healthz on its own connection (a kept-alive socket can be closed under a stalled server). */
  const healthz = () =>
    new Promise<number>((resolve, reject) => {
      http
        .get(`${server.url}/api/healthz`, { agent: false }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        })
        .on("error", reject);
    });

  /** Runs `work` while polling /api/healthz every 25 ms; the slowest answer in ms. */
  async function slowestHealthzDuring<T>(work: () => Promise<T>): Promise<{ result: T; slowestMs: number; probes: number }> {
    let stop = false;
    let slowestMs = 0;
    let probes = 0;
    const poll = (async () => {
      while (!stop) {
        const t = performance.now();
        expect(await healthz()).toBe(200);
        slowestMs = Math.max(slowestMs, performance.now() - t);
        probes++;
        await new Promise((res) => setTimeout(res, 25));
      }
    })();
    const result = await work();
    stop = true;
    await poll;
    return { result, slowestMs, probes };
  }

  beforeAll(async () => {
    fx = await startGitFixture();
    repo = fx.repo("stall");
    commitFiles(repo.dir, { "resources/a.json": JSON.stringify({ kind: "Widget", metadata: { name: "a", namespace: "p" }, spec: { replicas: 1 } }) }, "first");
    server = await startAppServer({ env: { SYNCLINE_SCHEDULER: "0" } });
    cookie = await signInCookie(server);
    const r = await api("/api/v1/definitions", {
      method: "POST",
      body: JSON.stringify(definitionBody({ name: NAME, kind: "Widget", repoURL: repo.url, schema })),
    });
    expect(r.status).toBe(201);
    const s = await api(`/api/v1/definitions/${NAME}/sync?wait=true`, { method: "POST" });
    expect(s.status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await fx?.close();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  const put = (spec: Record<string, unknown>) =>
    api("/api/v1/resources/Widget/p/a", { method: "PUT", body: JSON.stringify({ metadata: { name: "a", namespace: "p" }, spec }) });

  it("a resource PUT with an 80 KB backtracking url value is refused (422, format url) while /api/healthz answers within 200 ms", async () => {
    const { result, slowestMs, probes } = await slowestHealthzDuring(() => put({ replicas: 1, link: HOSTILE_URL }));
    console.log(`H2 PUT url 80 KB: slowest healthz ${slowestMs.toFixed(0)} ms over ${probes} probes`);
    expect(result.status).toBe(422);
    expect(JSON.stringify(await result.json())).toContain('must match format \\"url\\"');
    expect(slowestMs).toBeLessThan(200);
  }, 180_000);

  it("a resource PUT with 20,000 distinct objects under uniqueItems is accepted, one duplicate refused, while /api/healthz answers within 200 ms", async () => {
    const ok = await slowestHealthzDuring(() => put({ replicas: 1, tags: UNIQUE_OBJECTS }));
    console.log(`H2 PUT uniqueItems 20,000: slowest healthz ${ok.slowestMs.toFixed(0)} ms over ${ok.probes} probes`);
    expect(ok.result.status).toBe(200);
    expect(ok.slowestMs).toBeLessThan(200);
    const dup = await slowestHealthzDuring(() => put({ replicas: 1, tags: [...UNIQUE_OBJECTS, { id: 5 }] }));
    expect(dup.result.status).toBe(422);
    expect(JSON.stringify(await dup.result.json())).toContain("duplicate items");
    expect(dup.slowestMs).toBeLessThan(200);
  }, 180_000);

  it("a Git file with the same content is reported invalid by a refresh while /api/healthz answers within 200 ms", async () => {
    commitFiles(
      repo.dir,
      {
        "resources/url.json": JSON.stringify({ kind: "Widget", metadata: { name: "url", namespace: "p" }, spec: { link: HOSTILE_URL } }),
        "resources/unique.json": JSON.stringify({
          kind: "Widget",
          metadata: { name: "unique", namespace: "p" },
          spec: { tags: [...UNIQUE_OBJECTS, { id: 5 }] },
        }),
      },
      "hostile specs",
    );
    // the refresh validates first (results are then kept per parsed spec); the dry run shows the errors
    const { slowestMs: refreshSlowest } = await slowestHealthzDuring(async () =>
      expect((await api(`/api/v1/definitions/${NAME}/refresh`, { method: "POST" })).status).toBe(200),
    );
    console.log(`H2 Git refresh: slowest healthz ${refreshSlowest.toFixed(0)} ms`);
    const { result, slowestMs, probes } = await slowestHealthzDuring(() =>
      api(`/api/v1/definitions/${NAME}/sync?wait=true`, { method: "POST", body: JSON.stringify({ dryRun: true }) }),
    );
    console.log(`H2 Git dry-run sync: slowest healthz ${slowestMs.toFixed(0)} ms over ${probes} probes`);
    expect(result.status).toBe(200);
    const runId = ((await result.json()) as { id: string }).id;
    const run = (await (await api(`/api/v1/runs/${runId}`)).json()) as Record<string, unknown>;
    const text = JSON.stringify(run);
    expect(text).toContain('must match format \\"url\\"');
    expect(text).toContain("duplicate items");
    expect(slowestMs).toBeLessThan(200);
    expect(refreshSlowest).toBeLessThan(200);
  }, 300_000);
});
