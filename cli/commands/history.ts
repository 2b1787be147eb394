/**
 * `syncline resource history` (a definition's runs, newest first) and `syncline run get ID`
 * (one run with its log and changes). Run IDs from history feed `rollback --to`.
 */
import { Command } from "commander";
import type { Page, RunDetailView, RunView } from "../api-types";
import type { DefinitionCommitsView } from "@/lib/api/history";
import { contextFor, enc } from "../context";
import { outputOption, printData, printTable } from "../output";
import { countsText, printRunResult } from "../run-summary";
import { runOutcomeLabel } from "@/lib/api/run-outcome";
import { duration, oneLine, place, resourceLabel, shortSha, withoutPlace } from "../text-format";

export function historyCommand(): Command {
  return new Command("history")
    .description("list a definition's sync runs, newest first (--commits: the commits that changed its path)")
    .requiredOption("--definition <name>", "definition name")
    .option("--limit <n>", "at most this many runs", (v) => Number.parseInt(v, 10), 20)
    .option("--commits", "list the branch's commits that changed anything under the definition's path, with what was applied")
    .option("--cursor <sha>", "with --commits: continue after this commit (the previous page's last)")
    .addOption(outputOption())
    .addHelpText(
      "after",
      `
Examples:
  $ syncline resource history --definition deployments.example.io
  $ syncline resource history --definition deployments.example.io -o json | jq -r '.[0].id'
  $ syncline resource history --definition deployments.example.io --commits`,
    )
    .action(async (opts: { definition: string; limit: number; commits?: boolean; cursor?: string }, c: Command) => {
      const { api, out, format } = contextFor(c);
      if (opts.commits) {
        const page = await api.get<DefinitionCommitsView>(`/api/v1/definitions/${enc(opts.definition)}/commits`, {
          limit: opts.limit > 0 ? Math.min(opts.limit, 200) : 20,
          cursor: opts.cursor,
        });
        if (format !== "text") return printData(out, format, page);
        if (page.items.length === 0) return out.line(`No commits on ${page.branch} changed ${page.path}.`);
        printTable(
          out,
          ["COMMIT", "DATE", "AUTHOR", "MESSAGE", "APPLIED", "DRY-RUN", "ROLLED BACK TO"],
          page.items.map((m) => [
            `${shortSha(m.sha)}${m.current ? " *" : ""}`,
            m.time.replace(/\.\d+Z$/, "Z"),
            oneLine(m.author.replace(/\s*<[^>]*>$/, ""), 24),
            oneLine(m.message, 50),
            m.applied ? m.applied.at.replace(/\.\d+Z$/, "Z") : "-",
            m.dryRun ? m.dryRun.at.replace(/\.\d+Z$/, "Z") : "-",
            m.rolledBackTo ? m.rolledBackTo.at.replace(/\.\d+Z$/, "Z") : "-",
          ]),
        );
        if (page.nextCursor) out.line(`more: --cursor ${page.nextCursor}`);
        return;
      }
      const page = await api.get<Page<RunView>>(`/api/v1/definitions/${enc(opts.definition)}/runs`, { limit: opts.limit > 0 ? opts.limit : 20 });
      if (format !== "text") return printData(out, format, page.items);
      if (page.items.length === 0) return out.line(`No runs yet for ${opts.definition}.`);
      printTable(
        out,
        ["RUN", "PHASE", "TRIGGER", "BY", "DRY-RUN", "COMMIT", "CREATE", "UPDATE", "DELETE", "INVALID", "STARTED", "DURATION", "ERROR"],
        page.items.map((r) => [
          r.id,
          runOutcomeLabel(r.phase, r.problems ?? 0),
          r.trigger,
          r.initiator,
          r.dryRun ? "yes" : "no",
          shortSha(r.commit) || "-",
          String(r.counts.create ?? 0),
          String(r.counts.update ?? 0),
          String(r.counts.delete ?? 0),
          String(r.counts.invalid ?? 0),
          (r.startedAt ?? r.createdAt).replace(/\.\d+Z$/, "Z"),
          duration(r.durationMs) || "-",
          oneLine(r.error, 50) || "-",
        ]),
      );
    });
}

export function runCommand(): Command {
  const run = new Command("run").description("inspect sync runs");
  run
    .command("get")
    .description("show one run: result, log and the changes it made")
    .argument("<id>", "run ID (from `syncline resource history`), or its first 8 characters as the UI shows them")
    .addOption(outputOption())
    .addHelpText(
      "after",
      "\nExamples:\n  $ syncline run get 0b7f3c1e-2d7a-4f5e-9a51-6c0f4b8f0d21\n  $ syncline run get 0b7f3c1e-2d7a-4f5e-9a51-6c0f4b8f0d21 -o yaml",
    )
    .action(async (id: string, _opts: unknown, c: Command) => {
      const { api, out, colour, format } = contextFor(c);
      const r = await api.get<RunDetailView>(`/api/v1/runs/${enc(id)}`);
      if (format !== "text") return printData(out, format, r);
      printRunResult(out, colour, r);
      out.line(
        `  definition: ${r.definition}   trigger: ${r.trigger}   by: ${r.initiator}${r.requestedRevision ? `   revision: ${r.requestedRevision}` : ""}${r.prune ? "   prune" : ""}`,
      );
      out.line(`  created ${r.createdAt}${r.finishedAt ? `, finished ${r.finishedAt}` : ""}`);
      if (r.fileProblems?.length) {
        out.line("File problems:");
        for (const p of r.fileProblems) out.line(`  ${p.path}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ""}` : ""}: ${p.message}`);
      }
      if (r.log.length) {
        out.line("Log:");
        for (const l of r.log) out.line(`  ${l}`);
      }
      const changed = r.changes.filter((ch) => ch.action !== "unchanged");
      if (changed.length) {
        out.line(`Changes (${countsText(r.counts)}):`);
        for (const ch of changed) {
          const where = place(ch);
          out.line(`  ${ch.action.padEnd(8)} ${resourceLabel(ch)}${where ? `  ${where}` : ""}${ch.error ? `: ${withoutPlace(ch.error, where)}` : ""}`);
        }
        if (r.changesTotal > r.changes.length) out.line(`  … ${r.changesTotal - r.changes.length} more (use -o json with the API's offset to page)`);
      }
    });
  return run;
}
