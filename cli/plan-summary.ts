/**
 * The plan as `sync` prints it before applying and `diff` prints it as a summary: which
 * resources would be created, updated, deleted, which Git documents are invalid (file:line),
 * and which files could not be read at all.
 */
import type { DiffChangeView, DiffView } from "./api-types";
import type { Palette } from "./colour";
import type { Out } from "./output";
import { oneLine, place, resourceLabel, shortSha, withoutPlace } from "./text-format";

/** Actions that mean "Git and the store differ". */
export const DIFFERING = new Set(["create", "update", "delete", "invalid"]);

export function differs(d: DiffView): boolean {
  return d.changes.some((c) => DIFFERING.has(c.action)) || ["create", "update", "delete", "invalid"].some((k) => (d.counts[k as "create"] ?? 0) > 0);
}

export function planHeadline(d: DiffView): string {
  const at = d.revision ? `revision ${d.revision} → ${shortSha(d.commit)}` : `${d.branch} @ ${shortSha(d.commit)}`;
  return `Plan for ${d.definition} at ${at}${d.commitMessage ? ` (${oneLine(d.commitMessage)})` : ""}`;
}

export function countsLine(d: DiffView): string {
  const n = (k: keyof DiffView["counts"]) => d.counts[k] ?? 0;
  const parts = [`${n("create")} to create`, `${n("update")} to update`, `${n("delete")} to delete`, `${n("unchanged")} unchanged`, `${n("invalid")} invalid`];
  if (n("skipped")) parts.push(`${n("skipped")} skipped`);
  if (d.fileProblems.length) parts.push(`${d.fileProblems.length} file problem${d.fileProblems.length === 1 ? "" : "s"}`);
  return parts.join(", ");
}

const MARK: Record<string, [string, keyof Palette]> = {
  create: ["+", "green"],
  update: ["~", "yellow"],
  delete: ["-", "red"],
  invalid: ["!", "red"],
  skipped: ["?", "dim"],
};

export function changeLine(c: Palette, ch: DiffChangeView): string {
  const [mark, colour] = MARK[ch.action] ?? [" ", "dim"];
  const where = place(ch);
  const extra = ch.action === "update" && ch.drifted ? " (drifted)" : ch.action === "skipped" ? " (not in Git; prune to delete)" : "";
  const err = ch.error ? `: ${withoutPlace(ch.error, where)}` : "";
  return c[colour](`  ${mark} ${ch.action.padEnd(7)} ${resourceLabel(ch)}${where ? `  ${where}` : ""}${extra}${err}`);
}

export function printPlan(out: Out, c: Palette, d: DiffView): void {
  out.line(c.bold(planHeadline(d)));
  if (d.branchHead && d.commit !== d.branchHead) out.line(`  note: ${d.branch} is at ${shortSha(d.branchHead)}; this plan is for ${shortSha(d.commit)}`);
  for (const ch of d.changes) if (ch.action !== "unchanged") out.line(changeLine(c, ch));
  for (const p of d.fileProblems) out.line(c.red(`  ! file    ${place(p)}: ${p.message}`));
  const others = Object.entries(d.otherKinds);
  if (others.length) out.line(c.dim(`  (ignored: ${others.map(([k, n]) => `${n} ${k}`).join(", ")} — other kinds)`));
  const ex = d.excludedFiles;
  const left = ex ? ex.exclude + ex.sourceignore + ex.include : 0;
  if (left) out.line(c.dim(`  (${left} files left out by gitops.include / exclude / .sourceignore, not read)`));
  if (d.movedNamespace) out.line(c.dim(`  (${d.movedNamespace} documents moved to the target namespace by gitops.forceNamespace)`));
  if (d.pruneWithheld) out.line(c.yellow(`  prune withheld: ${d.pruneWithheld}`));
  out.line(countsLine(d));
}
