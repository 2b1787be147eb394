"use client";
/**
 * Live pages: one GET /api/v1/events stream per tab (EventSource, session cookie), turned into
 * cache updates so pages follow what happens without a reload:
 *
 * - `run.progress` patches the cached run (`queryKeys.run`) in place: progress bars move.
 * - `run.started` / `run.finished` / `definition.status` / `resource.changed` / `reset` refetch
 *   what shows them: the react-query caches (runs, the run) and the server-rendered pages
 *   (`router.refresh()`, coalesced to at most one per 500 ms).
 *
 * When the stream cannot open or drops, the provider polls instead (every 5 s: active queries
 * and the page) and retries the stream every 15 s, resuming with the last event id.
 * `useLiveMode()` says which ("live" | "polling" | "connecting" | "off"); `useLiveEvent(type, fn)`
 * lets any component react to one event type (the payloads are in lib/api/live-events.ts).
 */
import { createContext, useContext, useEffect, useMemo, useRef, useState } from "react";
import { usePathname, useRouter } from "next/navigation";
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { LIVE_EVENT_TYPES, type LiveEventMap, type LiveEventType } from "@/lib/api/live-events";
import type { RunDetail } from "@/lib/client/run-types";

export type LiveMode = "off" | "connecting" | "live" | "polling";
type Listener = (data: unknown) => void;

interface LiveContextValue {
  mode: LiveMode;
  on(type: LiveEventType, fn: Listener): () => void;
}

const LiveContext = createContext<LiveContextValue>({ mode: "off", on: () => () => undefined });

export const LIVE_POLL_MS = 5_000;
const RETRY_STREAM_MS = 15_000;
const REFRESH_COALESCE_MS = 500;

/** Updates the react-query caches one event touches; answers whether the page should re-render from the server. */
export function applyLiveEvent(qc: QueryClient, type: LiveEventType, data: unknown): boolean {
  switch (type) {
    case "run.progress": {
      const p = data as LiveEventMap["run.progress"];
      qc.setQueriesData<RunDetail>({ queryKey: ["run", p.runId] }, (old) =>
        old ? { ...old, done: p.done, total: p.total, progress: { ...old.progress, phase: p.phase ?? undefined, done: p.done, total: p.total } } : old,
      );
      return false;
    }
    case "run.started":
    case "run.finished": {
      const { run, definition } = data as LiveEventMap["run.finished"];
      qc.setQueriesData<RunDetail>({ queryKey: ["run", run.id] }, (old) => (old ? { ...old, ...run } : old));
      void qc.invalidateQueries({ queryKey: ["run", run.id] });
      void qc.invalidateQueries({ queryKey: ["runs", definition] });
      return true;
    }
    case "definition.status":
    case "resource.changed":
      return true;
    case "reset":
      void qc.invalidateQueries({ type: "active" });
      return true;
    case "closed":
      return false;
  }
}

export function LiveEventsProvider({ children }: { children: React.ReactNode }) {
  const qc = useQueryClient();
  const router = useRouter();
  const pathname = usePathname();
  // the sign-in page has no session to stream with
  const enabled = !(pathname ?? "").startsWith("/login");
  const [mode, setMode] = useState<LiveMode>("off");
  const listeners = useRef(new Map<LiveEventType, Set<Listener>>());
  const routerRef = useRef(router);
  useEffect(() => {
    routerRef.current = router;
  }, [router]);

  useEffect(() => {
    if (!enabled) return;
    let es: EventSource | null = null;
    let disposed = false;
    let lastId = "";
    let poll: ReturnType<typeof setInterval> | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    const refreshSoon = () => {
      refreshTimer ??= setTimeout(() => {
        refreshTimer = undefined;
        routerRef.current.refresh();
      }, REFRESH_COALESCE_MS);
    };
    const stopPolling = () => {
      clearInterval(poll);
      poll = undefined;
    };
    const fallBack = () => {
      es?.close();
      es = null;
      if (disposed) return;
      setMode("polling");
      poll ??= setInterval(() => {
        void qc.invalidateQueries({ type: "active" });
        routerRef.current.refresh();
      }, LIVE_POLL_MS);
      clearTimeout(retry);
      retry = setTimeout(connect, RETRY_STREAM_MS);
    };
    const connect = () => {
      if (disposed) return;
      if (typeof EventSource === "undefined") return fallBack();
      setMode((m) => (m === "polling" ? m : "connecting"));
      const source = new EventSource(`/api/v1/events${lastId ? `?lastEventId=${encodeURIComponent(lastId)}` : ""}`);
      es = source;
      source.onopen = () => {
        if (es !== source) return;
        const wasPolling = poll !== undefined;
        stopPolling();
        setMode("live");
        // what happened while we were not listening
        if (wasPolling) refreshSoon();
      };
      // a dropped stream or a refused one (401, 429): poll, and try the stream again later
      source.onerror = () => {
        if (es === source) fallBack();
      };
      for (const type of LIVE_EVENT_TYPES) {
        source.addEventListener(type, (e) => {
          const ev = e as MessageEvent<string>;
          if (ev.lastEventId) lastId = ev.lastEventId;
          let data: unknown;
          try {
            data = JSON.parse(ev.data);
          } catch {
            return;
          }
          if (applyLiveEvent(qc, type, data)) refreshSoon();
          for (const fn of listeners.current.get(type) ?? []) fn(data);
          if (type === "closed") fallBack();
        });
      }
    };
    connect();
    return () => {
      disposed = true;
      es?.close();
      stopPolling();
      clearTimeout(retry);
      clearTimeout(refreshTimer);
      setMode("off");
    };
  }, [enabled, qc]);

  const value = useMemo<LiveContextValue>(
    () => ({
      mode,
      on(type, fn) {
        let set = listeners.current.get(type);
        if (!set) listeners.current.set(type, (set = new Set()));
        set.add(fn);
        return () => void set.delete(fn);
      },
    }),
    [mode],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/** "live" while the event stream is open, "polling" while the provider polls instead. */
export function useLiveMode(): LiveMode {
  return useContext(LiveContext).mode;
}

/** Calls `fn` with every event of `type` this tab receives (the latest `fn`, no re-subscribe per render). */
export function useLiveEvent<T extends LiveEventType>(type: T, fn: (data: LiveEventMap[T]) => void): void {
  const { on } = useContext(LiveContext);
  const ref = useRef(fn);
  useEffect(() => {
    ref.current = fn;
  });
  useEffect(() => on(type, (d) => ref.current(d as LiveEventMap[T])), [on, type]);
}
