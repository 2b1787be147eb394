/**
 * `syncline resource diff`: what a sync would change, as a unified diff per resource
 * (store on the left, Git on the right). Made for CI gates: exit 0 in sync, 1 when Git and
 * the store differ (create/update/delete/invalid), 2 when the diff could not be computed.
 */
import { Command } from "commander";
import type { DiffChangeView, DiffView } from "../api-types";
import type { Palette } from "../colour";
import { contextFor, enc } from "../context";
import { CliError } from "../cli-error";
import { outputOption, printData, type Out } from "../output";
import { changeLine, countsLine, differs, DIFFERING, planHeadline } from "../plan-summary";
import { place, resourceLabel } from "../text-format";
import { diffLines, unifiedHunks } from "../unified-diff";
import { discover } from "@/lib/api/discovery";

export function diffCommand(): Command {
  return new Command("diff")
    .description("show how Git differs from the stored resources (exit 0 in sync, 1 differences, 2 error)")
    .requiredOption("--definition <name>", "definition to compare")
    .option("--revision <rev>", "commit SHA, tag or branch to compare against (default: the branch head, or the pinned commit)")
    .option("--prune", "include deletions of resources no longer in Git")
    .addOption(outputOption())
    .addHelpText(
      "after",
      `
Exit status: 0 when in sync, 1 when there are differences, 2 on error.

Examples:
  $ syncline resource diff --definition deployments.example.io
  $ syncline resource diff --definition deployments.example.io --revision 3f2c1ab || echo "out of sync"
  $ NO_COLOR=1 syncline resource diff --definition deployments.example.io > plan.diff`,
    )
    .action(async (opts: { definition: string; revision?: string; prune?: boolean }, c: Command) => {
      let d: DiffView;
      let ctx: ReturnType<typeof contextFor>;
      try {
        ctx = contextFor(c);
        d = await ctx.api.get<DiffView>(`/api/v1/definitions/${enc(opts.definition)}/diff`, {
          revision: opts.revision,
          prune: opts.prune ? "true" : undefined,
        });
      } catch (err) {
        if (err instanceof CliError) throw new CliError(err.message, 2);
        throw err;
      }
      const { out, colour, format } = ctx;
      if (format !== "text") printData(out, format, d);
      else printDiff(out, colour, d);
      process.exitCode = differs(d) ? 1 : 0;
    });
}

function printDiff(out: Out, c: Palette, d: DiffView): void {
  out.line(c.bold(planHeadline(d)));
  for (const ch of d.changes) {
    if (!DIFFERING.has(ch.action)) continue;
    if (ch.action === "invalid") {
      out.line(changeLine(c, ch));
      continue;
    }
    printResourceDiff(out, c, ch);
  }
  for (const p of d.fileProblems) out.line(c.red(`! file ${place(p)}: ${p.message}`));
  if (d.pruneWithheld) out.line(c.yellow(`prune withheld: ${d.pruneWithheld}`));
  printDiscovery(out, c, d);
  out.line(differs(d) ? countsLine(d) : c.green(`In sync: ${countsLine(d)}`));
}

/** Nothing of the definition's kind would be in the store: say what the path holds instead (issue 20). */
function printDiscovery(out: Out, c: Palette, d: DiffView): void {
  const n = (k: string) => d.counts[k] ?? 0;
  if (n("create") + n("update") + n("unchanged") > 0) return;
  const found = discover(d.kind, d);
  out.line(c.bold(`Nothing of kind ${d.kind} to sync. Found under the path:`));
  out.line(found.kinds.length ? `  kinds: ${found.kinds.map((k) => `${k.kind} × ${k.count}`).join(", ")}` : "  kinds: no documents");
  for (const p of found.problems) out.line(c.yellow(`  ${p.count} × ${p.example}  (first: ${p.first})`));
  if (found.problemKinds > found.problems.length) out.line(`  … ${found.problemKinds - found.problems.length} more kinds of file problem`);
  if (found.excludedFiles) out.line(`  ${found.excludedFiles} files left out by include / exclude / .sourceignore`);
  if (found.hint) out.line(c.bold(`  hint: ${found.hint}`));
}

function printResourceDiff(out: Out, c: Palette, ch: DiffChangeView): void {
  const label = resourceLabel(ch);
  const src = place(ch);
  out.line(c.bold(`${ch.action} ${label}${src ? `  (${src})` : ""}${ch.drifted ? "  [drifted]" : ""}`));
  out.line(c.bold(`--- ${ch.action === "create" ? "/dev/null" : `live/${label.replace(" ", "/")}`}`));
  out.line(c.bold(`+++ ${ch.action === "delete" ? "/dev/null" : `git/${ch.sourcePath ?? label.replace(" ", "/")}`}`));
  for (const l of unifiedHunks(diffLines(ch.liveYaml ?? "", ch.desiredYaml ?? ""))) {
    out.line(l.startsWith("@@") ? c.cyan(l) : l.startsWith("-") ? c.red(l) : l.startsWith("+") ? c.green(l) : l);
  }
}
