/**
 * Automation against a real built server (embedded store) and a real Git server on 127.0.0.1:
 * interval pickup, webhook-to-applied latency, webhook security (signatures, size cap, dedupe),
 * self-heal via the refresh API, backoff of a failing commit, suspend, notifications with
 * retries, metrics that parse strictly and move with the runs, and the audit export.
 */
import crypto from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, startAppServer, type AppServer } from "@/test/support/app-server";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { apiFor, definitionBody, doc, githubPush, runsOf, waitFor, type Api } from "./api-client";
import { parsePrometheusText, sumOf } from "./prom-text";

const SECRET = "global-webhook-secret-for-tests";

describe("automation on a real server", () => {
  let server: AppServer;
  let fx: GitFixture;
  let api: Api;
  let viewerToken: string;
  const figures: Record<string, number> = {};
  let receiver: http.Server;
  let receiverUrl = "";
  const received: { body: unknown; status: number }[] = [];
  let failFirst = 2;

  beforeAll(async () => {
    fx = await startGitFixture();
    receiver = http.createServer((req, res) => {
      let data = "";
      req.on("data", (d) => (data += d));
      req.on("end", () => {
        const status = failFirst-- > 0 ? 503 : 200;
        received.push({ body: JSON.parse(data), status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/services/T000/B000/secret-path-token`;
    server = await startAppServer({
      env: {
        SYNCLINE_DIST_DIR: process.env.SYNCLINE_DIST_DIR ?? ".next",
        SYNCLINE_SCHEDULER_TICK_MS: "100",
        SYNCLINE_AUTO_BACKOFF_BASE_MS: "500",
        SYNCLINE_AUTO_BACKOFF_MAX_MS: "20000",
        SYNCLINE_NOTIFY_BACKOFF_BASE_MS: "200",
        SYNCLINE_REFRESH_JITTER: "0.1",
      },
    });
    const admin = await issueToken(server, "admin");
    viewerToken = await issueToken(server, "viewer", "scraper");
    api = apiFor(server, admin);
    expect((await api.post("/api/v1/secrets", { name: "webhook", type: "webhook", secret: SECRET })).status).toBe(201);
  });

  afterAll(async () => {
    console.log("measured figures (ms):", JSON.stringify(figures));
    await server?.stop();
    await fx?.close();
    await new Promise((r) => receiver?.close(r));
  });

  it("an automated definition picks up a new commit within its interval plus a few seconds, with no click", async () => {
    const repo = fx.repo("interval");
    commitFiles(repo.dir, { "a.json": doc("Alpha", "a", 1) }, "one");
    expect(
      (await api.post("/api/v1/definitions", definitionBody("alpha.example.io", "Alpha", repo.url, { interval: 10, policy: { automated: true } }))).status,
    ).toBe(201);
    await waitFor("the first auto-sync", async () => (await runsOf(api, "alpha.example.io")).find((r) => r.phase === "Succeeded"), 10_000);
    const c2 = commitFiles(repo.dir, { "a.json": doc("Alpha", "a", 2) }, "two");
    const t0 = Date.now();
    const run = await waitFor(
      "the new commit to be applied",
      async () => (await runsOf(api, "alpha.example.io")).find((r) => r.commit === c2 && r.phase === "Succeeded"),
      16_000,
      100,
    );
    figures.intervalPickupMs = Date.now() - t0;
    expect(run.trigger).toBe("auto");
    // interval 10 s + jitter ≤ 1 s + a few seconds
    expect(figures.intervalPickupMs).toBeLessThan(14_000);
    const res = await api.get<{ spec: unknown }>("/api/v1/resources/Alpha/default/a");
    expect(res.body.spec).toEqual({ size: 2 });
  });

  it("a webhook push is applied in under 2 s, from the re-fetched branch head (not the payload's SHA)", async () => {
    const repo = fx.repo("hooked");
    commitFiles(repo.dir, { "b.json": doc("Bravo", "b", 1) }, "one");
    expect(
      (await api.post("/api/v1/definitions", definitionBody("bravo.example.io", "Bravo", repo.url, { interval: 3600, policy: { automated: true } }))).status,
    ).toBe(201);
    await waitFor("the first auto-sync", async () => (await runsOf(api, "bravo.example.io")).find((r) => r.phase === "Succeeded"), 10_000);
    const samples: number[] = [];
    for (let i = 2; i <= 4; i++) {
      const c = commitFiles(repo.dir, { "b.json": doc("Bravo", "b", i) }, `push ${i}`);
      const t0 = Date.now();
      const r = await githubPush(server, SECRET, repo.url, { sha: "f".repeat(40) });
      expect(r.status).toBe(202);
      expect(await r.json()).toMatchObject({ result: "accepted", definitions: ["bravo.example.io"] });
      const run = await waitFor(
        "the pushed commit to be applied",
        async () => (await runsOf(api, "bravo.example.io")).find((x) => x.commit === c && x.phase === "Succeeded"),
        5_000,
        20,
      );
      samples.push(Date.now() - t0);
      expect(run.trigger).toBe("webhook");
    }
    figures.webhookToAppliedMs = Math.max(...samples);
    figures.webhookToAppliedMedianMs = [...samples].sort((a, b) => a - b)[1]!;
    expect(figures.webhookToAppliedMs).toBeLessThan(2_000);
    expect((await api.get<{ spec: unknown }>("/api/v1/resources/Bravo/default/b")).body.spec).toEqual({ size: 4 });
  });

  it("bad or missing signatures get 401 before the body is parsed; malformed signed bodies 400; unknown repos 202", async () => {
    const post = (provider: string, body: string, headers: Record<string, string>) =>
      fetch(`${server.url}/api/webhooks/${provider}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    const junk = "{this is not json";
    const forged = "sha256=" + crypto.createHmac("sha256", "wrong-secret").update(junk).digest("hex");
    expect((await post("github", junk, { "x-github-event": "push", "x-hub-signature-256": forged })).status).toBe(401);
    expect((await post("github", junk, { "x-github-event": "push" })).status).toBe(401);
    expect((await post("github", junk, { "x-github-event": "push", "x-hub-signature-256": "sha256=abc" })).status).toBe(401);
    expect((await post("gitea", junk, { "x-gitea-event": "push", "x-gitea-signature": forged.slice(7) })).status).toBe(401);
    expect((await post("gitlab", junk, { "x-gitlab-event": "Push Hook", "x-gitlab-token": "wrong" })).status).toBe(401);
    expect((await post("generic", junk, { "x-syncline-signature": forged })).status).toBe(401);
    expect((await post("bitbucket", junk, {})).status).toBe(404);

    const signed = (body: string) => "sha256=" + crypto.createHmac("sha256", SECRET).update(body).digest("hex");
    const malformed = await post("github", junk, { "x-github-event": "push", "x-hub-signature-256": signed(junk) });
    expect(malformed.status).toBe(400);
    for (const weird of ["null", "[]", '"x"', '{"ref":5,"repository":[]}', '{"ref":"refs/heads/main","repository":{"clone_url":{"a":1}}}']) {
      const r = await post("github", weird, { "x-github-event": "push", "x-hub-signature-256": signed(weird) });
      expect(r.status, weird).toBeLessThan(500);
    }
    const unknown = JSON.stringify({ ref: "refs/heads/main", repository: { clone_url: "https://example.invalid/nobody/nothing.git" } });
    const r = await post("github", unknown, { "x-github-event": "push", "x-hub-signature-256": signed(unknown) });
    expect(r.status).toBe(202);
    expect(await r.json()).toMatchObject({ result: "unknown-repo" });
    const gl = JSON.stringify({ ref: "refs/heads/main", project: { git_http_url: "https://example.invalid/x.git" } });
    expect((await post("gitlab", gl, { "x-gitlab-event": "Push Hook", "x-gitlab-token": SECRET })).status).toBe(202);
    const ping = await post("github", "{}", { "x-github-event": "ping", "x-hub-signature-256": signed("{}") });
    expect(ping.status).toBe(200);
  });

  it("a 10 MiB body gets 413, declared or streamed", async () => {
    const send = (chunked: boolean) =>
      new Promise<number>((resolve, reject) => {
        const total = 10 * 1024 * 1024;
        const req = http.request(`${server.url}/api/webhooks/github`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": "push",
            "x-hub-signature-256": "sha256=" + "0".repeat(64),
            ...(chunked ? {} : { "content-length": String(total) }),
          },
        });
        req.on("response", (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on("error", (e) => reject(e));
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < total) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once("drain", pump);
          }
          req.end();
        };
        pump();
      });
    expect(await send(false)).toBe(413);
    expect(await send(true)).toBe(413);
  });

  it("a flood of 500 identical deliveries produces one refresh", async () => {
    const repo = fx.repo("flood");
    commitFiles(repo.dir, { "c.json": doc("Charlie", "c", 1) }, "one");
    expect((await api.post("/api/v1/definitions", definitionBody("charlie.example.io", "Charlie", repo.url, { interval: 3600 }))).status).toBe(201);
    const metrics = async () =>
      parsePrometheusText(await (await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${viewerToken}` } })).text());
    await waitFor("the first refresh", async () => sumOf(await metrics(), "syncline_refreshes_total", { definition: "charlie.example.io" }) >= 1, 10_000, 100);
    const before = await metrics();
    commitFiles(repo.dir, { "c.json": doc("Charlie", "c", 2) }, "two");
    const delivery = crypto.randomUUID();
    const statuses: number[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const rs = await Promise.all(Array.from({ length: 50 }, () => githubPush(server, SECRET, repo.url, { delivery })));
      statuses.push(...rs.map((r) => r.status));
      await Promise.all(rs.map((r) => r.body?.cancel()));
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(499);
    await new Promise((r) => setTimeout(r, 1_500));
    const after = await metrics();
    const refreshes = (m: typeof after) => sumOf(m, "syncline_refreshes_total", { definition: "charlie.example.io" });
    expect(refreshes(after) - refreshes(before)).toBe(1);
    expect(
      sumOf(after, "syncline_webhook_deliveries_total", { provider: "github", result: "duplicate" }) -
        sumOf(before, "syncline_webhook_deliveries_total", { provider: "github", result: "duplicate" }),
    ).toBe(499);
    // a manual definition is refreshed, never synced
    expect(await runsOf(api, "charlie.example.io")).toHaveLength(0);
    const def = await api.get<{ status: { headCommit: string } }>("/api/v1/definitions/charlie.example.io");
    expect(def.body.status.headCommit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("drift: selfHeal reverts it, report-only shows it (refresh API)", async () => {
    const heal = fx.repo("heal");
    commitFiles(heal.dir, { "d.json": doc("Delta", "d", 1) }, "one");
    const report = fx.repo("report");
    commitFiles(report.dir, { "e.json": doc("Echo", "e", 1) }, "one");
    await api.post(
      "/api/v1/definitions",
      definitionBody("delta.example.io", "Delta", heal.url, { interval: 3600, policy: { automated: true, selfHeal: true } }),
    );
    await api.post("/api/v1/definitions", definitionBody("echo.example.io", "Echo", report.url, { interval: 3600, policy: { automated: true } }));
    await waitFor(
      "first syncs",
      async () =>
        (await runsOf(api, "delta.example.io")).length > 0 &&
        (await runsOf(api, "echo.example.io")).some((r) => r.phase === "Succeeded") &&
        (await runsOf(api, "delta.example.io")).some((r) => r.phase === "Succeeded"),
      10_000,
    );
    expect(
      (await api.put("/api/v1/resources/Delta/default/d", { kind: "Delta", metadata: { name: "d", namespace: "default" }, spec: { size: 50 } })).status,
    ).toBe(200);
    expect(
      (await api.put("/api/v1/resources/Echo/default/e", { kind: "Echo", metadata: { name: "e", namespace: "default" }, spec: { size: 50 } })).status,
    ).toBe(200);
    const h = await api.post<{ drifted: number; sync: { phase?: string } }>("/api/v1/definitions/delta.example.io/refresh");
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ drifted: 1, sync: { phase: "Succeeded" } });
    expect((await api.get<{ spec: unknown }>("/api/v1/resources/Delta/default/d")).body.spec).toEqual({ size: 1 });
    const e = await api.post<{ drifted: number; sync: unknown }>("/api/v1/definitions/echo.example.io/refresh");
    expect(e.body).toMatchObject({ drifted: 1, sync: { skipped: "in sync" } });
    expect((await api.get<{ spec: unknown }>("/api/v1/resources/Echo/default/e")).body.spec).toEqual({ size: 50 });
  });

  it("a failing commit is retried with growing gaps, notifications are retried until delivered, and the next good commit syncs at once", async () => {
    const ch = await api.post<{ url: string; id: string }>("/api/v1/notifications", {
      name: "ops-slack",
      kind: "slack",
      url: receiverUrl,
      events: ["run.failed"],
    });
    expect(ch.status).toBe(201);
    expect(ch.body.url).not.toContain("secret-path-token");
    expect(JSON.stringify((await api.get("/api/v1/notifications")).body)).not.toContain("secret-path-token");

    const repo = fx.repo("failing");
    commitFiles(repo.dir, { "f.json": doc("Foxtrot", "f", 1) }, "good");
    await api.post(
      "/api/v1/definitions",
      definitionBody("foxtrot.example.io", "Foxtrot", repo.url, { interval: 3600, policy: { automated: true, atomic: true } }),
    );
    await waitFor("first sync", async () => (await runsOf(api, "foxtrot.example.io")).find((r) => r.phase === "Succeeded"), 10_000);
    const bad = commitFiles(repo.dir, { "f.json": doc("Foxtrot", "f", "not-a-number") }, "bad");
    expect((await githubPush(server, SECRET, repo.url)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 7_000));
    const failed = (await runsOf(api, "foxtrot.example.io")).filter((r) => r.phase === "Failed").reverse();
    expect(failed.every((r) => r.commit === bad)).toBe(true);
    // 500 ms doubling: tries at ~0, 0.5, 1.5, 3.5 s (+ run time) → 4, never a hot loop
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(failed.length).toBeLessThanOrEqual(5);
    const gaps = failed.slice(1).map((r, i) => new Date(r.createdAt).getTime() - new Date(failed[i]!.finishedAt!).getTime());
    figures.failedAttemptsIn7s = failed.length;
    console.log("auto-sync retry gaps (ms):", gaps.join(", "));
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(500 * 2 ** i - 25));
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]!);

    const good = commitFiles(repo.dir, { "f.json": doc("Foxtrot", "f", 7) }, "fixed");
    const t0 = Date.now();
    expect((await githubPush(server, SECRET, repo.url)).status).toBe(202);
    await waitFor(
      "the good commit",
      async () => (await runsOf(api, "foxtrot.example.io")).find((r) => r.commit === good && r.phase === "Succeeded"),
      3_000,
      20,
    );
    figures.goodCommitAfterFailuresMs = Date.now() - t0;

    // the receiver failed twice (503), then accepted: delivered with retries, Slack-shaped
    await waitFor("a delivered notification", async () => received.some((r) => r.status === 200), 10_000, 100);
    expect(received.slice(0, 3).map((r) => r.status)).toEqual([503, 503, 200]);
    expect((received[0]!.body as { text: string }).text).toContain("foxtrot.example.io");
  });

  it("suspend stops auto-sync with a reason; unsuspend resumes; both are in the audit export", async () => {
    const repo = fx.repo("suspended");
    commitFiles(repo.dir, { "g.json": doc("Golf", "g", 1) }, "one");
    await api.post("/api/v1/definitions", definitionBody("golf.example.io", "Golf", repo.url, { interval: 3600, policy: { automated: true } }));
    await waitFor("first sync", async () => (await runsOf(api, "golf.example.io")).find((r) => r.phase === "Succeeded"), 10_000);
    expect((await api.post("/api/v1/definitions/golf.example.io/suspend", {})).status).toBe(400);
    const s = await api.post<{ suspended: boolean; reason: string }>("/api/v1/definitions/golf.example.io/suspend", { reason: "incident 42" });
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ suspended: true, reason: "incident 42" });
    const c2 = commitFiles(repo.dir, { "g.json": doc("Golf", "g", 2) }, "two");
    expect((await githubPush(server, SECRET, repo.url)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await runsOf(api, "golf.example.io")).some((r) => r.commit === c2)).toBe(false);
    expect((await api.post("/api/v1/definitions/golf.example.io/unsuspend")).status).toBe(200);
    expect((await githubPush(server, SECRET, repo.url)).status).toBe(202);
    await waitFor("sync after unsuspend", async () => (await runsOf(api, "golf.example.io")).find((r) => r.commit === c2 && r.phase === "Succeeded"), 3_000);

    const info = await api.get<{ urls: Record<string, string>; secretName: string; secretConfigured: boolean }>("/api/v1/definitions/golf.example.io/webhook");
    expect(info.body).toMatchObject({ secretName: "webhook", secretConfigured: true });
    expect(info.body.urls.github).toBe(`${server.url}/api/webhooks/github`);
    expect(JSON.stringify(info.body)).not.toContain(SECRET);

    expect((await fetch(`${server.url}/api/v1/audit?format=json`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/audit?format=json`, { headers: { authorization: `Bearer ${viewerToken}` } })).status).toBe(403);
    const adminExport = await api.get<{ events: { action: string; target: string; details: { reason?: string } }[]; count: number }>(
      "/api/v1/audit?format=json&action=definition.*&target=golf",
    );
    expect(adminExport.status).toBe(200);
    const actions = adminExport.body.events.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["definition.suspend", "definition.unsuspend", "definition.create"]));
    expect(adminExport.body.events.find((e) => e.action === "definition.suspend")?.details.reason).toBe("incident 42");
    expect(adminExport.body.count).toBe(adminExport.body.events.length);
  });

  it("/api/metrics needs a token, parses strictly, and its counters move with the runs", async () => {
    expect((await fetch(`${server.url}/api/metrics`)).status).toBe(401);
    const scrape = async () => {
      const r = await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${viewerToken}` } });
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toContain("text/plain");
      return parsePrometheusText(await r.text());
    };
    const before = await scrape();
    for (const name of [
      "syncline_sync_runs_total",
      "syncline_sync_run_duration_seconds",
      "syncline_resources",
      "syncline_resources_drifted",
      "syncline_last_successful_sync_timestamp_seconds",
      "syncline_git_fetch_duration_seconds",
      "syncline_git_fetch_errors_total",
      "syncline_webhook_deliveries_total",
    ]) {
      expect(before.has(name), name).toBe(true);
    }
    expect(sumOf(before, "syncline_resources_drifted", { definition: "echo.example.io" })).toBe(1);
    expect(sumOf(before, "syncline_resources", { definition: "alpha.example.io", status: "Synced" })).toBe(1);
    expect(sumOf(before, "syncline_last_successful_sync_timestamp_seconds", { definition: "bravo.example.io" })).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(sumOf(before, "syncline_git_fetch_duration_seconds_count")).toBeGreaterThan(0);

    const sync = await api.post<{ id: string }>("/api/v1/definitions/bravo.example.io/sync?wait=true", {});
    expect(sync.status).toBe(200);
    const after = await scrape();
    const runs = (m: typeof after) => sumOf(m, "syncline_sync_runs_total", { definition: "bravo.example.io", trigger: "api", phase: "Succeeded" });
    expect(runs(after) - runs(before)).toBe(1);
    // the histogram has no definition label: count API-triggered runs (foxtrot's automated retries
    // keep failing and finishing meanwhile)
    const apiDurations = (m: typeof after) => sumOf(m, "syncline_sync_run_duration_seconds_count", { trigger: "api", phase: "Succeeded" });
    expect(apiDurations(after) - apiDurations(before)).toBe(1);
    expect(sumOf(after, "syncline_sync_runs_total", { trigger: "webhook", phase: "Succeeded" })).toBeGreaterThanOrEqual(3);
    expect(sumOf(after, "syncline_sync_runs_total", { definition: "foxtrot.example.io", phase: "Failed" })).toBeGreaterThanOrEqual(3);
  });
});
