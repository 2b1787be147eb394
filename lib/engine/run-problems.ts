/**
 * A run that refused a resource or skipped a file is not green (issue 21): its problems are the
 * invalid resources it refused plus the files it could not read. One rule for the run page, the
 * run history, the overview, the API, the CLI and notifications. Orphans kept because prune is
 * off ("skipped") are the policy working, not a problem.
 */
import type { RunPhase } from "./vocabulary";

export function runProblemCount(counts: Readonly<Record<string, number>> | null | undefined): number {
  if (!counts) return 0;
  return (counts.invalid ?? 0) + (counts.fileProblems ?? 0);
}

/** What a run's outcome is called: "Succeeded with problems" for a successful run that refused anything. */
export type RunOutcome = RunPhase | "SucceededWithProblems";

export function runOutcome(phase: RunPhase, problems: number): RunOutcome {
  return phase === "Succeeded" && problems > 0 ? "SucceededWithProblems" : phase;
}

export function runOutcomeLabel(phase: RunPhase, problems: number): string {
  return runOutcome(phase, problems) === "SucceededWithProblems" ? `Succeeded with ${problems} problem${problems === 1 ? "" : "s"}` : phase;
}
