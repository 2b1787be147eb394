/**
 * The live event hub of this process (GET /api/v1/events). Two halves:
 *
 * - **publish** (subscribed to the runtime bus at bootstrap): what this process did becomes a
 *   small signal (ids, counts, statuses; run progress throttled to 4 per second per run) sent on
 *   the live channel: `pg_notify` on PostgreSQL, a loopback on the embedded store.
 * - **receive** (every process, from its one LISTEN connection): a signal is turned into an
 *   event once per process, loading what it needs (a run, a definition summary), then numbered,
 *   kept in a bounded ring for `Last-Event-ID` resumes and written to every open stream.
 *
 * Status and resource signals are coalesced per definition (`Coalescer`: the first at once, the
 * rest of a burst as one trailing event per 150 ms window), so a 1,000-resource sync is one
 * `resource.changed` and one `definition.status`, whatever the number of streams, and no event
 * waits out a fixed window.
 */
import "server-only";
import crypto from "node:crypto";
import type { LiveEventMap, LiveEventType } from "@/lib/api/live-events";
import { findDefinition, findDefinitionById, rowToDefinition } from "@/lib/server/data/definitions";
import { LIVE_PAYLOAD_MAX_BYTES, openLiveChannel, type LiveChannel } from "@/lib/server/data/live-channel";
import { findRun, type RunRow } from "@/lib/server/data/runs";
import { logger } from "@/lib/server/logger";
import { subscribeOnce } from "@/lib/server/runtime/events";
import { processSingleton } from "@/lib/server/runtime/singletons";
import { toRunView } from "@/lib/server/services/runs";
import { summarizeDefinitions } from "@/lib/server/views/definition-summaries";
import { liveConfig } from "@/lib/server/live/config";

/** what travels between replicas: `at` is when it happened (ms), for latency */
type Signal =
  | { t: "rs" | "rf"; r: string; d: string; at: number }
  | { t: "rp"; r: string; d: string; p: string | null; n: number; of: number; at: number }
  | { t: "ds"; d: string; at: number }
  /** many definitions changed at once (a page's head checks): clients refetch rather than read one summary each */
  | { t: "dm"; n: number; at: number }
  /** resources changed: [namespace, name, sync status ("" when only health moved), health?] */
  | { t: "rc"; i: string; c: RcItem[] | null; at: number };

type RcItem = [string, string, string] | [string, string, string, string];

/** merges resource changes by key (a later sync status or health wins; one without the other keeps it); null: too many, refetch */
function mergeChanges(prev: Map<string, RcItem> | null | undefined, sig: Signal): Map<string, RcItem> | null {
  const c = (sig as Extract<Signal, { t: "rc" }>).c;
  const changes = prev === undefined ? new Map<string, RcItem>() : prev;
  if (!c || !changes) return null;
  for (const x of c) {
    const key = `${x[0]}/${x[1]}`;
    const before = changes.get(key);
    const health = x[3] ?? before?.[3];
    const status = x[2] || before?.[2] || "";
    changes.set(key, health ? [x[0], x[1], status, health] : [x[0], x[1], status]);
  }
  return changes.size > RESOURCE_CAP ? null : changes;
}

export interface LiveSink {
  userId: string;
  /** only this definition's events (null: all) */
  definition: string | null;
  /** one event's bytes, encoded once for every stream */
  write(frame: Uint8Array): void;
}

interface Buffered {
  seq: number;
  definition: string | null;
  frame: Uint8Array;
}

const encoder = new TextEncoder();

const PROGRESS_EVERY_MS = 250;
const COALESCE_MS = 150;
const RESOURCE_CAP = 500;
/** up to this many definitions changed together get one definition.status each; more: one reset */
const DEFINITION_CAP = 20;

/**
 * Bounded rate without a fixed delay: per key, the first signal is flushed at once (leading
 * edge); signals that arrive while a flush runs or within `windowMs` of its start are merged and
 * flushed once when the window ends (trailing edge). So an isolated change costs no wait, a burst
 * is one event per window, and flushes of one key never overlap (a trailing flush loads what is
 * true after the signals it covers). `at` is the oldest signal a flush covers (honest latency).
 */
class Coalescer<P> {
  private readonly keys = new Map<string, { running: boolean; last: number; timer: NodeJS.Timeout | null; pending: P | undefined; at: number | null }>();

  constructor(
    private readonly windowMs: number,
    private readonly merge: (prev: P | undefined, sig: Signal) => P,
    private readonly flush: (key: string, pending: P, at: number) => Promise<void>,
  ) {}

  push(key: string, sig: Signal, at: number): void {
    let k = this.keys.get(key);
    if (!k) {
      if (this.keys.size >= 10_000) for (const [n, v] of this.keys) if (!v.running && !v.timer && v.at === null) this.keys.delete(n);
      k = { running: false, last: 0, timer: null, pending: undefined, at: null };
      this.keys.set(key, k);
    }
    k.pending = this.merge(k.pending, sig);
    k.at = Math.min(k.at ?? at, at);
    this.pump(key, k);
  }

  private pump(key: string, k: { running: boolean; last: number; timer: NodeJS.Timeout | null; pending: P | undefined; at: number | null }): void {
    if (k.running || k.timer || k.at === null) return;
    const wait = k.last + this.windowMs - Date.now();
    if (wait > 0) {
      k.timer = setTimeout(() => {
        k.timer = null;
        this.pump(key, k);
      }, wait);
      return;
    }
    const pending = k.pending as P;
    const at = k.at;
    k.pending = undefined;
    k.at = null;
    k.running = true;
    k.last = Date.now();
    void this.flush(key, pending, at)
      .catch((err) => logger.warn({ err: (err as Error).message, key }, "live event dropped"))
      .finally(() => {
        k.running = false;
        this.pump(key, k);
      });
  }
}

class LiveHub {
  readonly epoch = crypto.randomBytes(4).toString("hex");
  seq = 0;
  readonly buffer: Buffered[] = [];
  readonly sinks = new Set<LiveSink>();
  readonly perUser = new Map<string, number>();
  channel: LiveChannel | null = null;
  private opening: Promise<void> | null = null;
  private readonly runDefs = new Map<string, string>();
  private readonly throttle = new Map<string, { last: number; timer: NodeJS.Timeout | null; pending: Signal | null }>();
  /** definition.status per definition: the first at once, the rest coalesced (one load per window) */
  private readonly statusCoalescer = new Coalescer<null>(
    COALESCE_MS,
    () => null,
    (name, _p, at) => this.definitionStatus(name, at),
  );
  /** resource.changed per definition id: the first at once, the rest merged for one trailing event */
  private readonly resourceCoalescer = new Coalescer<Map<string, RcItem> | null>(COALESCE_MS, mergeChanges, (id, changes, at) =>
    this.resourcesChanged(id, changes, at),
  );
  /**
   * Health moved by status writes (executors write hundreds a second): coalesced per definition
   * id before it is sent, so it costs at most one signal per window (one NOTIFY on PostgreSQL),
   * with the definition's status (its health is the worst of its resources').
   */
  private readonly healthCoalescer = new Coalescer<Map<string, RcItem> | null>(COALESCE_MS, mergeChanges, async (id, changes, at) => {
    this.sendChanges(id, changes ? [...changes.values()] : null, at);
    const def = this.defNames.get(id);
    if (def) this.send({ t: "ds", d: def.name, at });
  });
  private readonly defNames = new Map<string, { name: string; kind: string }>();
  /** run rows this process just published: its own signals need no query (the embedded store may be busy with the run's writes) */
  private readonly localRuns = new Map<string, RunRow>();

  start(): Promise<void> {
    this.opening ??= openLiveChannel((payload) => this.receive(payload)).then(
      (c) => {
        this.channel = c;
        logger.debug({ kind: c.kind }, "live event channel open");
      },
      (err) => {
        this.opening = null;
        logger.error({ err: (err as Error).message }, "could not open the live event channel");
      },
    );
    return this.opening;
  }

  // ---- publish: this process's runtime events → signals -------------------------------------

  subscribe(): void {
    subscribeOnce("live:run-started", "run-started", ({ run, definition }) => {
      this.runDefs.set(run.id, definition);
      this.keepLocal(`rs:${run.id}`, run);
      this.send({ t: "rs", r: run.id, d: definition, at: Date.now() });
      this.send({ t: "ds", d: definition, at: Date.now() });
    });
    subscribeOnce("live:run-progress", "run-progress", (p) => {
      const d = this.runDefs.get(p.runId);
      if (d) this.progress({ t: "rp", r: p.runId, d, p: p.phase ?? null, n: p.done ?? 0, of: p.total ?? 0, at: Date.now() });
    });
    subscribeOnce("live:run-finished", "run-finished", ({ run, definition }) => {
      const t = this.throttle.get(run.id);
      if (t?.timer) clearTimeout(t.timer);
      this.throttle.delete(run.id);
      this.runDefs.delete(run.id);
      this.keepLocal(`rf:${run.id}`, run);
      this.send({ t: "rf", r: run.id, d: definition, at: Date.now() });
      this.send({ t: "ds", d: definition, at: Date.now() });
    });
    subscribeOnce("live:refresh-finished", "refresh-finished", ({ definition, result }) => {
      if (result !== "cheap") this.send({ t: "ds", d: definition, at: Date.now() });
    });
    subscribeOnce("live:heads-checked", "heads-checked", ({ definitions }) => {
      if (definitions.length > DEFINITION_CAP) this.send({ t: "dm", n: definitions.length, at: Date.now() });
      else for (const d of definitions) this.send({ t: "ds", d, at: Date.now() });
    });
    subscribeOnce("live:resources-changed", "resources-changed", ({ definitionId, changes }) => {
      this.sendChanges(definitionId, changes ? changes.map((c) => [c.namespace, c.name, c.status]) : null, Date.now());
    });
    subscribeOnce("live:health-changed", "health-changed", ({ definitionId, definition, kind, namespace, name, to }) => {
      this.rememberDefinition(definitionId, { name: definition, kind });
      const at = Date.now();
      this.healthCoalescer.push(definitionId, { t: "rc", i: definitionId, c: [[namespace, name, "", to]], at }, at);
    });
  }

  private rememberDefinition(id: string, def: { name: string; kind: string }): void {
    if (this.defNames.size > 10_000) this.defNames.clear();
    this.defNames.set(id, def);
  }

  private sendChanges(definitionId: string, c: RcItem[] | null, at: number): void {
    const sig: Signal = { t: "rc", i: definitionId, c, at };
    // over NOTIFY's payload limit: "many changed, refetch" (the receiver cannot load a list we did not send)
    if (sig.c && Buffer.byteLength(JSON.stringify(sig)) > LIVE_PAYLOAD_MAX_BYTES) sig.c = null;
    this.send(sig);
  }

  private keepLocal(key: string, row: RunRow): void {
    if (this.localRuns.size >= 1_000) this.localRuns.clear();
    this.localRuns.set(key, row);
  }

  /** at most one progress signal per run every 250 ms; the latest value wins */
  private progress(sig: Extract<Signal, { t: "rp" }>): void {
    const now = Date.now();
    const t = this.throttle.get(sig.r) ?? { last: 0, timer: null, pending: null };
    this.throttle.set(sig.r, t);
    if (now - t.last >= PROGRESS_EVERY_MS && !t.timer) {
      t.last = now;
      this.send(sig);
      return;
    }
    t.pending = sig;
    t.timer ??= setTimeout(
      () => {
        t.timer = null;
        t.last = Date.now();
        // the latest progress, as of now
        if (t.pending && this.throttle.get(sig.r) === t) this.send({ ...t.pending, at: t.last });
        t.pending = null;
      },
      Math.max(0, PROGRESS_EVERY_MS - (now - t.last)),
    );
  }

  private send(sig: Signal): void {
    void this.start()
      .then(() => this.channel?.send(JSON.stringify(sig)))
      .catch((err) => logger.warn({ err: (err as Error).message }, "live signal not sent"));
  }

  // ---- receive: signals → events (once per process) → streams ---------------------------------

  private receive(payload: string): void {
    let sig: Signal;
    try {
      sig = JSON.parse(payload) as Signal;
    } catch {
      return;
    }
    void this.handle(sig).catch((err) => logger.warn({ err: (err as Error).message, signal: sig.t }, "live event dropped"));
  }

  private async handle(sig: Signal): Promise<void> {
    const at = new Date(sig.at).toISOString();
    switch (sig.t) {
      case "rp":
        return this.emit("run.progress", sig.d, { definition: sig.d, runId: sig.r, phase: sig.p, done: sig.n, total: sig.of, at });
      case "rs":
      case "rf": {
        const key = `${sig.t}:${sig.r}`;
        const row = this.localRuns.get(key) ?? (await findRun(sig.r));
        this.localRuns.delete(key);
        if (!row) return;
        const run = toRunView(row, sig.d);
        return this.emit(sig.t === "rs" ? "run.started" : "run.finished", sig.d, { definition: sig.d, run, at });
      }
      case "dm":
        return this.emit("reset", null, { reason: `${sig.n} definitions changed (their branch heads were checked): refetch` });
      case "ds":
        return this.statusCoalescer.push(sig.d, sig, sig.at);
      case "rc":
        return this.resourceCoalescer.push(sig.i, sig, sig.at);
    }
  }

  /**
   * Events that need a store read (a definition's summary, a definition's name) are not made when
   * this process has no open stream: the work follows the listeners, not the writes (executors'
   * status writes move health hundreds of times a second). A replay from before such a drop
   * cannot be complete, so it is answered with reset.
   */
  private droppedAt = -1;

  private noListeners(): boolean {
    if (this.sinks.size > 0) return false;
    this.droppedAt = this.seq;
    return true;
  }

  private async definitionStatus(name: string, atMs: number): Promise<void> {
    if (this.noListeners()) return;
    const at = new Date(atMs).toISOString();
    const row = await findDefinition(name);
    const [summary] = row ? await summarizeDefinitions([row]) : [];
    this.emit("definition.status", name, { definition: name, summary: summary ?? null, at });
  }

  private async resourcesChanged(definitionId: string, changes: Map<string, RcItem> | null, atMs: number): Promise<void> {
    if (this.noListeners()) return;
    const at = new Date(atMs).toISOString();
    let def = this.defNames.get(definitionId);
    if (!def) {
      const row = await findDefinitionById(definitionId);
      if (!row) return;
      def = { name: row.name, kind: rowToDefinition(row).spec.names.kind };
      this.rememberDefinition(definitionId, def);
    }
    const list = changes
      ? [...changes.values()].map(([namespace, name, status, health]) => ({ namespace, name, ...(status ? { status } : {}), ...(health ? { health } : {}) }))
      : null;
    this.emit("resource.changed", def.name, { definition: def.name, kind: def.kind, changes: list, at });
  }

  emit<T extends LiveEventType>(type: T, definition: string | null, data: LiveEventMap[T]): void {
    const seq = ++this.seq;
    const frame = encoder.encode(`id: ${this.epoch}:${seq}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    this.buffer.push({ seq, definition, frame });
    if (this.buffer.length > liveConfig().bufferSize) this.buffer.splice(0, this.buffer.length - liveConfig().bufferSize);
    let streams = 0;
    for (const s of this.sinks) {
      if (s.definition === null || definition === null || s.definition === definition) {
        s.write(frame);
        streams++;
      }
    }
    // the server's share of an event's latency (from `at` to written to every stream), for the bench
    const at = (data as { at?: string }).at;
    if (at && logger.isLevelEnabled("trace")) logger.trace({ event: type, serverDelayMs: Date.now() - Date.parse(at), streams }, "live event written");
  }

  /** the frames after `lastEventId`, or null when they are no longer all in the buffer (the client must refetch) */
  replay(lastEventId: string, definition: string | null): Uint8Array[] | null {
    const m = /^([0-9a-f]{8}):(\d{1,15})$/.exec(lastEventId.trim());
    if (!m || m[1] !== this.epoch) return null;
    const after = Number(m[2]);
    if (after > this.seq || after <= this.droppedAt) return null;
    const oldest = this.buffer[0]?.seq ?? this.seq + 1;
    if (after < oldest - 1) return null;
    return this.buffer.filter((b) => b.seq > after && (definition === null || b.definition === null || b.definition === definition)).map((b) => b.frame);
  }

  get position(): string {
    return `${this.epoch}:${this.seq}`;
  }
}

export function liveHub(): LiveHub {
  return processSingleton("live-hub", () => new LiveHub());
}

/** At bootstrap: subscribe to the runtime bus and open the channel (LISTEN on PostgreSQL). */
export async function startLiveEvents(): Promise<void> {
  const hub = liveHub();
  hub.subscribe();
  await hub.start();
}
