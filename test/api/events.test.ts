/**
 * GET /api/v1/events against the real server (embedded store): events of a sync started by
 * another client, the definition filter, Last-Event-ID resume and reset, the heartbeat, a
 * revoked token closing its stream, and the per-user stream limit (429).
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, signInCookie, startAppServer, type AppServer } from "@/test/support/app-server";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { openSse, type SseStream } from "@/test/support/sse-client";
import { apiFor, definitionBody, waitFor, type Api } from "@/test/automation/api-client";

const MAX_STREAMS = 4;
/** a value only the spec holds: no event may carry it */
const SPEC_MARKER = "spec-marker-5d1e0c";

const sizeDoc = (name: string, size: number) => JSON.stringify({ kind: "Widget", metadata: { name, namespace: "default" }, spec: { size, note: SPEC_MARKER } });

describe("live events (SSE) on a real server", () => {
  let server: AppServer;
  let fx: GitFixture;
  let admin: Api;
  let adminToken: string;
  let viewerToken: string;
  const open: SseStream[] = [];
  const sse = async (path: string, headers: Record<string, string> = {}) => {
    const s = await openSse(`${server.url}${path}`, headers);
    open.push(s);
    return s;
  };
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const closeAll = () => {
    for (const s of open.splice(0)) s.close();
  };

  beforeAll(async () => {
    fx = await startGitFixture();
    server = await startAppServer({
      env: {
        SYNCLINE_EVENTS_MAX_STREAMS: String(MAX_STREAMS),
        SYNCLINE_EVENTS_HEARTBEAT_MS: "400",
        SYNCLINE_EVENTS_RECHECK_MS: "300",
        SYNCLINE_SCHEDULER: "0",
      },
    });
    adminToken = await issueToken(server, "admin");
    admin = apiFor(server, adminToken);
    viewerToken = await issueToken(server, "viewer", "viewer-stream");
    const repo = fx.repo("widgets");
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`w${i}.json`] = sizeDoc(`w${i}`, i);
    commitFiles(repo.dir, files, "forty widgets");
    expect((await admin.post("/api/v1/definitions", definitionBody("widgets.example.io", "Widget", repo.url, { interval: 3600 }))).status).toBe(201);
    const other = fx.repo("others");
    commitFiles(other.dir, { "o.json": JSON.stringify({ kind: "Other", metadata: { name: "o", namespace: "default" }, spec: { size: 1 } }) }, "one");
    expect((await admin.post("/api/v1/definitions", definitionBody("others.example.io", "Other", other.url, { interval: 3600 }))).status).toBe(201);
  });

  afterAll(async () => {
    closeAll();
    await server?.stop();
    await fx?.close();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  let firstStartedId = "";

  it("streams a sync started by another client: run.started, run.progress, run.finished, definition.status, resource.changed", async () => {
    const viewer = await sse("/api/v1/events", bearer(viewerToken));
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(viewer.headers.get("cache-control")).toMatch(/no-cache/);
    expect(viewer.headers.get("x-accel-buffering")).toBe("no");
    const filtered = await sse("/api/v1/events?definition=others.example.io", bearer(viewerToken));

    const r = await admin.post<{ runId?: string; id?: string }>("/api/v1/definitions/widgets.example.io/sync", {});
    expect(r.status).toBe(202);
    const started = await viewer.next((e) => e.type === "run.started", 15_000, "run.started");
    const run = (started.data as { run: { id: string; phase: string; definition: string } }).run;
    expect(run.definition).toBe("widgets.example.io");
    expect(run.phase).toBe("Running");
    expect(started.id).toMatch(/^[0-9a-f]{8}:\d+$/);
    firstStartedId = started.id;

    const finished = await viewer.next((e) => e.type === "run.finished", 30_000, "run.finished");
    expect((finished.data as { run: { id: string; phase: string } }).run).toMatchObject({ id: run.id, phase: "Succeeded" });
    const progress = viewer.events.filter((e) => e.type === "run.progress");
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((e) => (e.data as { runId: string }).runId === run.id)).toBe(true);
    // throttled at the source: at most 4 per second per run
    const times = progress.map((e) => Date.parse((e.data as { at: string }).at));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(249);

    const status = await viewer.next(
      (e) => e.type === "definition.status" && (e.data as { summary: { activeRun: unknown } | null }).summary?.activeRun === null,
      10_000,
      "definition.status after the run",
    );
    const summary = (status.data as { summary: { status: string; counts: { Synced: number }; syncedCommit: string | null } }).summary;
    expect(summary.counts.Synced).toBe(40);
    expect(summary.syncedCommit).toMatch(/^[0-9a-f]{40}$/);

    const changed = await viewer.next((e) => e.type === "resource.changed", 10_000, "resource.changed");
    const c = changed.data as { definition: string; kind: string; changes: { namespace: string; name: string; status: string }[] };
    expect(c.definition).toBe("widgets.example.io");
    expect(c.kind).toBe("Widget");
    expect(c.changes).toHaveLength(40);
    expect(c.changes).toContainEqual({ namespace: "default", name: "w7", status: "Synced" });

    // ids increase; nothing from the spec anywhere in the stream
    const seqs = viewer.events.map((e) => Number(e.id.split(":")[1]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(viewer.text()).not.toContain(SPEC_MARKER);
    // the filtered stream saw none of it
    expect(filtered.events.filter((e) => e.type.startsWith("run.") || e.type === "resource.changed")).toEqual([]);
    closeAll();
  });

  it("resumes after Last-Event-ID with the events missed, and sends reset when it cannot", async () => {
    expect(firstStartedId).not.toBe("");
    const resumed = await sse("/api/v1/events", { ...bearer(viewerToken), "last-event-id": firstStartedId });
    const finished = await resumed.next((e) => e.type === "run.finished", 5_000, "the replayed run.finished");
    expect(Number(finished.id.split(":")[1])).toBeGreaterThan(Number(firstStartedId.split(":")[1]));
    expect(resumed.events.some((e) => e.type === "run.started")).toBe(false);
    expect(resumed.events.some((e) => e.type === "reset")).toBe(false);

    // another process's id (or one from before a restart): reset, then the stream goes on
    const other = await sse("/api/v1/events", { ...bearer(viewerToken), "last-event-id": "00000000:3" });
    await other.next((e) => e.type === "reset", 5_000, "reset");
    expect(other.lastId()).toMatch(/^[0-9a-f]{8}:\d+$/);
    // the query parameter does the same for clients that cannot set headers
    const byQuery = await sse(`/api/v1/events?lastEventId=${encodeURIComponent("zzz")}`, bearer(viewerToken));
    await byQuery.next((e) => e.type === "reset", 5_000, "reset by query");
    closeAll();
  });

  it("sends a comment heartbeat and accepts the session cookie", async () => {
    const cookie = await signInCookie(server);
    const s = await sse("/api/v1/events", { cookie });
    expect(s.status).toBe(200);
    await waitFor("a heartbeat", async () => s.comments.includes("heartbeat"), 5_000);
    const anonymous = await sse("/api/v1/events");
    expect(anonymous.status).toBe(401);
    closeAll();
  });

  it("closes the stream of a token when it is revoked", async () => {
    const revoked = await issueToken(server, "viewer", "to-revoke");
    const list = await admin.get<{ items: { id: string; name: string }[] }>("/api/v1/tokens");
    const id = list.body.items.find((t) => t.name === "to-revoke")!.id;
    const s = await sse("/api/v1/events", bearer(revoked));
    expect(s.status).toBe(200);
    await new Promise((res) => setTimeout(res, 700));
    expect(s.isEnded()).toBe(false);
    const del = await fetch(`${server.url}/api/v1/tokens/${id}`, { method: "DELETE", headers: bearer(adminToken) });
    expect(del.status).toBe(204);
    const closed = await s.next((e) => e.type === "closed", 5_000, "closed");
    expect((closed.data as { reason: string }).reason).toMatch(/no longer valid/);
    await s.ended;
    expect(s.isEnded()).toBe(true);
    // and it cannot open a new one
    expect((await sse("/api/v1/events", bearer(revoked))).status).toBe(401);
    closeAll();
  });

  it(`answers 429 beyond ${MAX_STREAMS} open streams per user, and frees a slot when one closes`, async () => {
    // every token here belongs to the admin user; wait until earlier streams are gone
    let streams: SseStream[] = [];
    await waitFor(
      "earlier streams to be released",
      async () => {
        for (const s of streams) s.close();
        streams = [];
        for (let i = 0; i < MAX_STREAMS; i++) streams.push(await openSse(`${server.url}/api/v1/events`, bearer(viewerToken)));
        return streams.every((s) => s.status === 200);
      },
      10_000,
      300,
    );
    const over = await sse("/api/v1/events", bearer(viewerToken));
    expect(over.status).toBe(429);
    expect((over.errorBody as { error: { code: string } }).error.code).toBe("TOO_MANY_REQUESTS");
    streams[0]!.close();
    await waitFor(
      "a freed slot",
      async () => {
        const s = await openSse(`${server.url}/api/v1/events`, bearer(viewerToken));
        s.close();
        return s.status === 200;
      },
      10_000,
      200,
    );
    for (const s of streams) s.close();
  });
  it("health moved by status writes reaches open streams: resource.changed with the new health, then the definition's status", async () => {
    const health = {
      inProgress: "self.status.?readyReplicas.orValue(0) < self.spec.replicas && !self.status.?failed.orValue(false)",
      failed: "self.status.?failed.orValue(false)",
      current: "self.status.?readyReplicas.orValue(0) == self.spec.replicas",
    };
    const d = await admin.post("/api/v1/definitions", {
      metadata: { name: "jobs.example.io" },
      spec: { group: "example.io", version: "v1", names: { kind: "Job", plural: "jobs" }, scope: "Namespaced", health },
    });
    expect(d.status).toBe(201);
    for (const name of ["j1", "j2", "j3"]) {
      expect(
        (await admin.post("/api/v1/resources", { kind: "Job", metadata: { name, namespace: "batch" }, spec: { replicas: 2, note: SPEC_MARKER } })).status,
      ).toBe(201);
    }
    const viewer = await sse("/api/v1/events?definition=jobs.example.io", bearer(viewerToken));
    const put = (name: string, status: unknown) => admin.put(`/api/v1/resources/Job/batch/${name}/status`, { status });
    expect((await put("j1", { readyReplicas: 2 })).status).toBe(200);
    const first = await viewer.next((e) => e.type === "resource.changed", 10_000, "resource.changed for j1");
    expect(first.data).toMatchObject({ definition: "jobs.example.io", kind: "Job", changes: [{ namespace: "batch", name: "j1", health: "Healthy" }] });
    // a burst: every change arrives (coalesced into fewer events), the last word per resource wins
    expect((await put("j2", { failed: true })).status).toBe(200);
    expect((await put("j3", { readyReplicas: 2 })).status).toBe(200);
    expect((await put("j2", { readyReplicas: 1 })).status).toBe(200);
    const seen = new Map<string, string>();
    await waitFor(
      "the burst's health changes",
      async () => {
        for (const e of viewer.events.filter((x) => x.type === "resource.changed")) {
          for (const c of (e.data as { changes: { name: string; health?: string }[] }).changes) if (c.health) seen.set(c.name, c.health);
        }
        return seen.get("j2") === "Progressing" && seen.get("j3") === "Healthy";
      },
      10_000,
      100,
    );
    expect(Object.fromEntries(seen)).toEqual({ j1: "Healthy", j2: "Progressing", j3: "Healthy" });
    const status = await viewer.next(
      (e) =>
        e.type === "definition.status" &&
        (e.data as { summary: { health: { counts: Record<string, number> } } | null }).summary?.health.counts.Healthy === 2 &&
        (e.data as { summary: { health: { counts: Record<string, number> } } }).summary.health.counts.Progressing === 1,
      10_000,
      "definition.status with two Healthy and one Progressing",
    );
    expect((status.data as { summary: { health: { status: string } } }).summary.health.status).toBe("Progressing");
    expect(viewer.text()).not.toContain(SPEC_MARKER);

    // with no stream open, the process makes no summary for health changes (the work follows the
    // listeners); a resume from before such a drop cannot be complete: reset
    const last = viewer.lastId();
    closeAll();
    let flip = false;
    await waitFor(
      "a resume across a dropped event to be answered with reset",
      async () => {
        flip = !flip;
        expect((await put("j1", flip ? { failed: true } : { readyReplicas: 2 })).status).toBe(200);
        await new Promise((r) => setTimeout(r, 300));
        const resumed = await openSse(`${server.url}/api/v1/events?definition=jobs.example.io`, { ...bearer(viewerToken), "last-event-id": last });
        try {
          const first = await resumed.next(() => true, 3_000, "the first event of the resumed stream");
          return first.type === "reset";
        } finally {
          resumed.close();
        }
      },
      20_000,
      200,
    );
  });
});
