/** How a finished (or listed) run reads in text: one headline, then counts and the error. */
import type { Out } from "./output";
import type { RunView } from "./api-types";
import type { Palette } from "./colour";
import { duration, oneLine, shortSha } from "./text-format";
import { CHANGE_ACTIONS } from "@/lib/api/vocabulary";
import { runOutcomeLabel } from "@/lib/api/run-outcome";

const COUNT_ORDER = CHANGE_ACTIONS;

export function countsText(counts: RunView["counts"]): string {
  return COUNT_ORDER.map((k) => `${counts[k] ?? 0} ${k === "create" ? "created" : k === "update" ? "updated" : k === "delete" ? "deleted" : k}`).join(", ");
}

export function phaseColour(c: Palette, phase: string): string {
  return phase === "Succeeded" ? c.green(phase) : phase === "Failed" || phase === "Interrupted" ? c.red(phase) : c.yellow(phase);
}

/** "Succeeded with 2 problems" (amber) for a run that refused a resource or skipped a file (issue 21). */
export function outcomeText(c: Palette, run: Pick<RunView, "phase" | "problems">): string {
  const problems = run.problems ?? 0;
  return run.phase === "Succeeded" && problems > 0 ? c.yellow(runOutcomeLabel(run.phase, problems)) : phaseColour(c, run.phase);
}

export function printRunResult(out: Out, c: Palette, run: RunView): void {
  const kind = run.dryRun ? "dry run" : "sync";
  const commit = run.commit ? ` at ${shortSha(run.commit)}${run.commitMessage ? ` (${oneLine(run.commitMessage)})` : ""}` : "";
  out.line(`${c.bold(`Run ${run.id}`)} ${outcomeText(c, run)}${commit} — ${kind}, ${duration(run.durationMs) || "?"}`);
  out.line(`  ${run.dryRun ? "would have: " : ""}${countsText(run.counts)}`);
  if (run.error) out.line(`  ${c.red("error:")} ${run.error}`);
  if (run.health)
    out.line(`  health: ${run.health.outcome}${run.health.resources.length ? ` (not Healthy: ${run.health.resources.slice(0, 10).join(", ")})` : ""}`);
  const files = run.counts.fileProblems ?? 0;
  if (run.phase === "Succeeded" && (run.problems ?? 0) > 0)
    out.line(`  ${c.yellow("problems:")} ${run.counts.invalid ?? 0} invalid resources refused, ${files} file${files === 1 ? "" : "s"} skipped`);
}
