/**
 * `syncline resource compare --definition X FROM TO`: what differs between two points of a
 * definition's history (runs, commits, tags, branches, or live), as a unified diff per
 * resource (FROM on the left, TO on the right). Exit 0 when nothing differs, 1 when something
 * does, 2 when the comparison could not be made.
 */
import { Command, Option } from "commander";
import type { CompareView } from "@/lib/api/history";
import type { Palette } from "../colour";
import { contextFor, enc } from "../context";
import { CliError } from "../cli-error";
import { outputOption, printData, type Out } from "../output";
import { oneLine, resourceLabel, shortSha } from "../text-format";
import { diffLines, unifiedHunks } from "../unified-diff";

const DIFFERING = new Set(["create", "update", "delete", "invalid"]);

export function compareCommand(): Command {
  return new Command("compare")
    .description("compare two points of a definition's history (exit 0 no changes, 1 changes, 2 error)")
    .requiredOption("--definition <name>", "definition name")
    .argument("<from>", "run id (or 8-char short id), commit SHA, tag, branch, or live")
    .argument("<to>", "as <from>")
    .addOption(
      new Option("--mode <mode>", "desired: Git at the two commits; applied: the store after the two runs").choices(["desired", "applied"]).default("desired"),
    )
    .addOption(outputOption())
    .addHelpText(
      "after",
      `
Exit status: 0 when nothing differs, 1 when something does, 2 on error.

Examples:
  $ syncline resource compare --definition deployments.example.io v1.2.0 main
  $ syncline resource compare --definition deployments.example.io 3f2c1ab9 live --mode applied
  $ syncline resource compare --definition deployments.example.io 3f2c1ab 9e8d7c6 -o json | jq '.counts'`,
    )
    .action(async (from: string, to: string, opts: { definition: string; mode: string }, c: Command) => {
      let d: CompareView;
      let ctx: ReturnType<typeof contextFor>;
      try {
        ctx = contextFor(c);
        d = await ctx.api.get<CompareView>(`/api/v1/definitions/${enc(opts.definition)}/compare`, { from, to, mode: opts.mode });
      } catch (err) {
        if (err instanceof CliError) throw new CliError(err.message, 2);
        throw err;
      }
      const { out, colour, format } = ctx;
      if (format !== "text") printData(out, format, d);
      else printCompare(out, colour, d);
      process.exitCode = d.changes.some((ch) => DIFFERING.has(ch.action)) ? 1 : 0;
    });
}

function sideLine(side: CompareView["from"]): string {
  if (side.type === "live") return "live (the current store)";
  const run = side.run ? `run ${side.run.id.slice(0, 8)} (${side.run.phase}${side.run.dryRun ? ", dry run" : ""}) ` : "";
  const who = side.author ? ` by ${side.author.replace(/\s*<[^>]*>$/, "")}` : "";
  return `${run}${shortSha(side.commit) || "-"} ${oneLine(side.commitMessage, 60)}${who}`;
}

function printCompare(out: Out, c: Palette, d: CompareView): void {
  out.line(c.bold(`${d.definition} (${d.mode}): ${d.from.ref} → ${d.to.ref}`));
  out.line(`  from: ${sideLine(d.from)}`);
  out.line(`  to:   ${sideLine(d.to)}`);
  for (const ch of d.changes) {
    if (!DIFFERING.has(ch.action)) continue;
    const label = resourceLabel(ch);
    if (ch.action === "invalid") {
      out.line(c.red(`! invalid ${label}: ${ch.error ?? ""}`));
      continue;
    }
    out.line(c.bold(`${ch.action} ${label}`));
    out.line(c.bold(`--- ${ch.action === "create" ? "/dev/null" : `${d.from.ref}/${label.replace(" ", "/")}`}`));
    out.line(c.bold(`+++ ${ch.action === "delete" ? "/dev/null" : `${d.to.ref}/${label.replace(" ", "/")}`}`));
    for (const l of unifiedHunks(diffLines(ch.liveYaml ?? "", ch.desiredYaml ?? ""))) {
      out.line(l.startsWith("@@") ? c.cyan(l) : l.startsWith("-") ? c.red(l) : l.startsWith("+") ? c.green(l) : l);
    }
  }
  for (const p of d.fileProblems) out.line(c.red(`! file ${p.path}${p.line ? `:${p.line}` : ""}: ${p.message}`));
  const n = (k: string) => d.counts[k] ?? 0;
  const line = `${n("create")} create, ${n("update")} update, ${n("delete")} delete, ${n("unchanged")} unchanged${n("invalid") ? `, ${n("invalid")} invalid` : ""}`;
  out.line(d.changes.some((ch) => DIFFERING.has(ch.action)) ? line : c.green(`No changes: ${line}`));
}
