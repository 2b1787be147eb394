/** How a finished (or listed) run reads in text: one headline, then counts and the error. */
import type { Out } from "./output";
import type { RunView } from "./api-types";
import type { Palette } from "./colour";
import { duration, oneLine, shortSha } from "./text-format";
import { CHANGE_ACTIONS } from "@/lib/api/vocabulary";

const COUNT_ORDER = CHANGE_ACTIONS;

export function countsText(counts: RunView["counts"]): string {
  return COUNT_ORDER.map((k) => `${counts[k] ?? 0} ${k === "create" ? "created" : k === "update" ? "updated" : k === "delete" ? "deleted" : k}`).join(", ");
}

export function phaseColour(c: Palette, phase: string): string {
  return phase === "Succeeded" ? c.green(phase) : phase === "Failed" || phase === "Interrupted" ? c.red(phase) : c.yellow(phase);
}

export function printRunResult(out: Out, c: Palette, run: RunView): void {
  const kind = run.dryRun ? "dry run" : "sync";
  const commit = run.commit ? ` at ${shortSha(run.commit)}${run.commitMessage ? ` (${oneLine(run.commitMessage)})` : ""}` : "";
  out.line(`${c.bold(`Run ${run.id}`)} ${phaseColour(c, run.phase)}${commit} — ${kind}, ${duration(run.durationMs) || "?"}`);
  out.line(`  ${run.dryRun ? "would have: " : ""}${countsText(run.counts)}`);
  if (run.error) out.line(`  ${c.red("error:")} ${run.error}`);
}
