"use client";
/**
 * Client state shared by the action bar and the diff page: which run this page started, so a
 * second click cannot start a second run, and the page refreshes when the run ends.
 */
import { useCallback, useState } from "react";
import { useRouter } from "next/navigation";
import type { RunSummary } from "@/lib/client/run-types";
import { roleAtLeast } from "@/lib/api/roles";

export function useRunTracker(serverActive: RunSummary | null) {
  const router = useRouter();
  const [startedId, setStartedId] = useState<string | null>(null);
  const [finished, setFinished] = useState<RunSummary | null>(null);
  const activeId = startedId ?? serverActive?.id ?? null;
  const onEnd = useCallback(
    (run: RunSummary) => {
      setFinished(run);
      setStartedId(null);
      router.refresh();
    },
    [router],
  );
  return {
    activeId,
    busy: activeId !== null,
    finished,
    started: (id: string) => {
      setFinished(null);
      setStartedId(id);
    },
    onEnd,
  };
}

export function disabledReasonFor(opts: { role: string; need: "operator" | "admin"; running: boolean; pending?: boolean }): string | null {
  if (!roleAtLeast(opts.role, opts.need)) return `Requires the ${opts.need} role (you are ${opts.role})`;
  if (opts.running) return "A run is in progress for this definition";
  if (opts.pending) return "Working…";
  return null;
}
