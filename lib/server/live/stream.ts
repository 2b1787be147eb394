/**
 * One GET /api/v1/events stream: a Server-Sent Events response fed by the hub. Bounded: at
 * most N streams per user (429 beyond), a byte cap on what may queue for a slow client (the
 * stream closes and the client resumes with Last-Event-ID), the caller's session or token
 * re-checked every `recheckMs` (a revoked one closes the stream), a comment heartbeat.
 */
import "server-only";
import { AppError } from "@/lib/server/errors";
import { requireRole, resolvePrincipal, type Principal } from "@/lib/server/auth/principal";
import { logger } from "@/lib/server/logger";
import { liveConfig } from "@/lib/server/live/config";
import { liveHub, type LiveSink } from "@/lib/server/live/hub";

export const EVENT_STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-transform: no compression layer may hold events back
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

const HEARTBEAT = new TextEncoder().encode(": heartbeat\n\n");

export async function openEventStream(opts: {
  principal: Principal;
  headers: Headers;
  definition: string | null;
  lastEventId: string | null;
  signal?: AbortSignal;
}): Promise<Response> {
  const hub = liveHub();
  await hub.start();
  const cfg = liveConfig();
  const { principal } = opts;
  const open = hub.perUser.get(principal.userId) ?? 0;
  if (open >= cfg.maxStreamsPerUser) {
    throw new AppError("TOO_MANY_REQUESTS", `at most ${cfg.maxStreamsPerUser} event streams per user are open at once; close one first`, {
      retryAfterSeconds: 10,
    });
  }
  // only what the re-check needs: the credentials, not the whole request
  const credentials = new Headers();
  for (const h of ["authorization", "cookie"]) {
    const v = opts.headers.get(h);
    if (v !== null) credentials.set(h, v);
  }
  const encoder = new TextEncoder();
  let closed = false;
  let heartbeat: NodeJS.Timeout | undefined;
  let recheck: NodeJS.Timeout | undefined;
  let controller!: ReadableStreamDefaultController<Uint8Array>;

  const cleanup = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    clearInterval(recheck);
    hub.sinks.delete(sink);
    const n = (hub.perUser.get(principal.userId) ?? 1) - 1;
    if (n <= 0) hub.perUser.delete(principal.userId);
    else hub.perUser.set(principal.userId, n);
  };
  const end = (reason: string) => {
    if (closed) return;
    try {
      controller.enqueue(encoder.encode(`event: closed\ndata: ${JSON.stringify({ reason })}\n\n`));
      controller.close();
    } catch {
      /* already closed by the client */
    }
    cleanup();
  };
  const sink: LiveSink = {
    userId: principal.userId,
    definition: opts.definition,
    write(frame) {
      if (closed) return;
      // desiredSize goes negative by what is queued beyond the high-water mark
      if ((controller.desiredSize ?? 0) < -cfg.maxQueuedBytes) return end("the client did not keep up; reconnect with Last-Event-ID");
      try {
        controller.enqueue(frame);
      } catch {
        cleanup();
      }
    },
  };

  hub.perUser.set(principal.userId, open + 1);
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        c.enqueue(encoder.encode("retry: 3000\n\n"));
        if (opts.lastEventId) {
          const frames = hub.replay(opts.lastEventId, opts.definition);
          if (frames) for (const f of frames) c.enqueue(f);
          else
            c.enqueue(
              encoder.encode(`event: reset\ndata: ${JSON.stringify({ reason: "the events since Last-Event-ID are no longer kept here; refetch" })}\n\n`),
            );
        }
        // the position, so a client that saw no event yet can still resume from here
        c.enqueue(encoder.encode(`id: ${hub.position}\n\n`));
        hub.sinks.add(sink);
        heartbeat = setInterval(() => sink.write(HEARTBEAT), cfg.heartbeatMs);
        recheck = setInterval(() => {
          void resolvePrincipal(credentials)
            .then((p) => {
              requireRole(p, "viewer");
              if (p!.userId !== principal.userId) throw new AppError("UNAUTHORIZED", "another user");
            })
            .catch((err) => {
              logger.info({ user: principal.username, err: (err as Error).message }, "event stream closed: credentials no longer valid");
              end("the session or token is no longer valid");
            });
        }, cfg.recheckMs);
        heartbeat.unref();
        recheck.unref();
      },
      cancel() {
        cleanup();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
  );
  opts.signal?.addEventListener("abort", () => cleanup(), { once: true });
  return new Response(body, { status: 200, headers: EVENT_STREAM_HEADERS });
}
