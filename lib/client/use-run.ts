"use client";
/** Polls GET /api/v1/runs/{id} (session cookie) while the run is active; stops when it ends. */
import { useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/client/query-keys";
import { isActivePhase, type RunDetail } from "@/lib/client/run-types";
import { useLiveMode } from "@/lib/client/live-events";

export async function fetchRun(
  id: string,
  init?: { limit?: number; offset?: number; actions?: string[]; name?: string; errors?: boolean },
): Promise<RunDetail> {
  const sp = new URLSearchParams({ limit: String(init?.limit ?? 500) });
  if (init?.offset) sp.set("offset", String(init.offset));
  if (init?.actions?.length) sp.set("actions", init.actions.join(","));
  if (init?.name) sp.set("name", init.name);
  if (init?.errors) sp.set("errors", "true");
  const r = await fetch(`/api/v1/runs/${encodeURIComponent(id)}?${sp}`, { headers: { accept: "application/json" } });
  const body = (await r.json().catch(() => null)) as (RunDetail & { error?: { message?: string } }) | null;
  if (!r.ok || !body) throw new Error(body?.error?.message ?? `could not load run ${id} (HTTP ${r.status})`);
  return body;
}

export function useRun(id: string | null, opts: { initial?: RunDetail; intervalMs?: number; limit?: number } = {}) {
  // while the event stream is open, progress arrives as events (lib/client/live-events.tsx): poll rarely
  const live = useLiveMode() === "live";
  return useQuery({
    queryKey: queryKeys.run(id ?? "none", opts.limit ?? 500),
    queryFn: () => fetchRun(id!, { limit: opts.limit }),
    enabled: id !== null,
    initialData: opts.initial,
    staleTime: 0,
    // Poll while the run is active; back off, then stop, if the API keeps failing.
    refetchInterval: (q) =>
      q.state.data && !isActivePhase(q.state.data.phase)
        ? false
        : q.state.fetchFailureCount > 5
          ? false
          : (live ? 5_000 : (opts.intervalMs ?? 1000)) * (1 + q.state.fetchFailureCount),
  });
}
