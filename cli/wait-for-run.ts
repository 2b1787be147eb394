/**
 * Polls a run until it reaches a final phase, reporting each poll to the progress line.
 * Polling (not ?wait=true) so a long sync shows progress and no proxy timeout cuts it off.
 */
import { FINAL_PHASES, type RunDetailView } from "./api-types";
import type { ApiClient } from "./http-client";
import type { ProgressLine } from "./progress-line";

const POLL_MS = 250;

export async function waitForRun(api: ApiClient, id: string, progress?: ProgressLine): Promise<RunDetailView> {
  for (;;) {
    // limit=0: the log and counters, not the (possibly large) change list
    const run = await api.get<RunDetailView>(`/api/v1/runs/${encodeURIComponent(id)}`, { limit: 0 });
    if (FINAL_PHASES.has(run.phase)) {
      progress?.finish(run);
      return run;
    }
    progress?.update(run);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
