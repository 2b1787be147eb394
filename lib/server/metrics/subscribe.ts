/** Metrics follow the runtime's events: finished runs, refreshes and Git operations (installed at bootstrap). */
import "server-only";
import { subscribeOnce } from "@/lib/server/runtime/events";
import { getMetrics, observeRun } from "@/lib/server/metrics/registry";

export function subscribeMetrics(): void {
  subscribeOnce("metrics:runs", "run-finished", ({ run, definition }) =>
    observeRun({ definition, trigger: run.trigger, phase: run.phase, durationMs: run.durationMs, dryRun: run.dryRun }),
  );
  subscribeOnce("metrics:refreshes", "refresh-finished", ({ definition, result }) => getMetrics().refreshes.inc({ definition, result }));
  subscribeOnce("metrics:git", "git-operation", ({ operation, seconds, errorCode }) => {
    const m = getMetrics();
    m.gitDuration.observe({ operation }, seconds);
    if (errorCode) m.gitErrors.inc({ operation, code: errorCode });
  });
}
