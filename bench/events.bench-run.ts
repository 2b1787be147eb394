/**
 * Live events under load: 200 concurrent GET /api/v1/events streams on one server process
 * (the built app, embedded store) while a 1,000-resource sync runs. Reports the server's
 * resident memory (before the streams, with them idle, peak during the sync) and the event
 * latency (from when the change happened on the server, the event's `at`, to when each stream
 * read it): p50, p95 (target ≤ 250 ms) and max over every event of every stream, and the
 * server's share of it per type (from `at` to the frame written to every stream, from the hub's
 * trace log), with the load average: on a shared machine the rest is scheduling. Prints one
 * JSON line. Needs a production build (`SYNCLINE_DIST_DIR` as for the server tests).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { it } from "vitest";
import { generateBenchRepo } from "@/test/support/bench-repo";
import { startGitHttpServer } from "@/test/support/git-http-server";
import { makeTempDir } from "@/test/support/git-repo";
import { issueToken, startAppServer } from "@/test/support/app-server";
import { definitionBody } from "@/test/support/definition-body";
import { openSse, type SseEvent, type SseStream } from "@/test/support/sse-client";

const STREAMS = Number(process.env.BENCH_EVENT_STREAMS ?? 200);
const FILES = Number(process.env.BENCH_EVENT_FILES ?? 1_000);
const schema = { type: "object", required: ["replicas"], properties: { replicas: { type: "integer", minimum: 0 }, note: { type: "string" } } };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

it(`live events: ${STREAMS} streams while a ${FILES}-resource sync runs`, async () => {
  const root = makeTempDir("syncline-events-bench-");
  generateBenchRepo(path.join(root, "events.git"), { files: FILES, folders: 20 });
  const git = await startGitHttpServer({ root });
  const server = await startAppServer({ env: { SYNCLINE_EVENTS_MAX_STREAMS: String(STREAMS + 10), SYNCLINE_SCHEDULER: "0", LOG_LEVEL: "trace" } });
  const streams: SseStream[] = [];
  try {
    const token = await issueToken(server, "admin");
    const auth = { authorization: `Bearer ${token}` };
    // the server's resident memory from /proc (Linux), not /api/metrics: a scrape reads the store,
    // and four a second during the sync loaded the server being measured
    const rss = async () => {
      const status = fs.readFileSync(`/proc/${server.pid}/status`, "utf8");
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
      return kb ? Number(kb) * 1024 : NaN;
    };
    const created = await fetch(`${server.url}/api/v1/definitions`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(definitionBody({ name: "events.example.io", kind: "Widget", repoURL: git.url("events.git"), path: "/", schema })),
    });
    if (created.status !== 201) throw new Error(`definition: ${created.status} ${await created.text()}`);
    const rssBefore = await rss();

    for (let i = 0; i < STREAMS; i++) {
      const s = await openSse(`${server.url}/api/v1/events`, auth, { keepText: false });
      if (s.status !== 200) throw new Error(`stream ${i}: ${s.status}`);
      streams.push(s);
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const rssIdle = await rss();

    let peak = rssIdle;
    const sampler = setInterval(
      () =>
        void rss().then(
          (v) => (peak = Math.max(peak, v)),
          () => undefined,
        ),
      250,
    );
    const t0 = performance.now();
    const r = await fetch(`${server.url}/api/v1/definitions/events.example.io/sync`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: "{}",
    });
    if (r.status !== 202) throw new Error(`sync: ${r.status} ${await r.text()}`);
    // every event of the sync, on every stream: its resources, its end and the definition's status after it
    const after = (e: SseEvent) => e.type === "definition.status" && (e.data as { summary: { activeRun: unknown } | null }).summary?.activeRun === null;
    await Promise.all(
      streams.map((s) =>
        Promise.all([
          s.next((e) => e.type === "resource.changed", 10 * 60_000, "resource.changed"),
          s.next((e) => e.type === "run.finished", 10 * 60_000, "run.finished"),
          s.next(after, 10 * 60_000, "definition.status after the run"),
        ]),
      ),
    );
    const syncSeconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, await rss());

    const latencies: number[] = [];
    const perType: Record<string, number> = {};
    const byType: Record<string, number[]> = {};
    for (const s of streams) {
      for (const e of s.events) {
        const at = (e.data as { at?: string }).at;
        if (!at) continue;
        latencies.push(e.receivedAt - Date.parse(at));
        perType[e.type] = (perType[e.type] ?? 0) + 1;
        (byType[e.type] ??= []).push(e.receivedAt - Date.parse(at));
      }
    }
    latencies.sort((a, b) => a - b);
    // the server's share: from `at` to the frame written to every stream (the hub's trace lines)
    const serverByType: Record<string, number[]> = {};
    for (const line of server.output().split("\n")) {
      if (!line.includes('"live event written"')) continue;
      try {
        const l = JSON.parse(line) as { event: string; serverDelayMs: number };
        (serverByType[l.event] ??= []).push(l.serverDelayMs);
      } catch {
        /* not a log line */
      }
    }
    const phase = (streams[0]!.events.find((e) => e.type === "run.finished")?.data as { run?: { phase?: string } } | undefined)?.run?.phase;
    const mib = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
    const result = {
      bench: "live-events",
      streams: STREAMS,
      resources: FILES,
      runPhase: phase ?? null,
      syncSeconds: Math.round(syncSeconds * 100) / 100,
      eventsPerStream: Object.fromEntries(Object.entries(perType).map(([k, v]) => [k, Math.round((v / STREAMS) * 10) / 10])),
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.at(-1) ?? NaN, target95: 250 },
      p95ByTypeMs: Object.fromEntries(
        Object.entries(byType).map(([k, v]) => [
          k,
          percentile(
            v.sort((a, b) => a - b),
            95,
          ),
        ]),
      ),
      serverDelayMsByType: Object.fromEntries(Object.entries(serverByType).map(([k, v]) => [k, v.sort((a, b) => a - b)])),
      loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
      rssMiB: {
        before: mib(rssBefore),
        streamsIdle: mib(rssIdle),
        peakDuringSync: mib(peak),
        perStreamKiB: Math.round(((rssIdle - rssBefore) / STREAMS / 1024) * 10) / 10,
      },
    };
    console.log(
      [
        `live events: ${STREAMS} streams, ${FILES}-resource sync (${result.runPhase}) in ${result.syncSeconds} s`,
        `  latency  p50 ${result.latencyMs.p50} ms  p95 ${result.latencyMs.p95} ms (target ≤ 250)  max ${result.latencyMs.max} ms  (load average ${result.loadAverage.join(" ")})`,
        `  server RSS  before ${result.rssMiB.before} MiB  with streams ${result.rssMiB.streamsIdle} MiB  peak ${result.rssMiB.peakDuringSync} MiB`,
      ].join("\n"),
    );
    console.log(JSON.stringify(result));
  } finally {
    for (const s of streams) s.close();
    await server.stop();
    await git.close();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
});
