/**
 * `syncline resource rollback` (sync an earlier commit and pin the definition there) and
 * `syncline resource resume` (drop the pin so syncs follow the branch again). `--to` takes
 * a run ID from history or a commit SHA; which one is decided by its shape.
 */
import { Command } from "commander";
import type { RunView } from "../api-types";
import { contextFor, enc } from "../context";
import { CliError } from "../cli-error";
import { outputOption, printData } from "../output";
import { ProgressLine } from "../progress-line";
import { printRunResult } from "../run-summary";
import { shortSha } from "../text-format";
import { waitForRun } from "../wait-for-run";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA = /^[0-9a-f]{4,40}$/i;

export function rollbackTarget(to: string): { runId: string } | { commit: string } {
  if (UUID.test(to)) return { runId: to };
  if (SHA.test(to)) return { commit: to };
  throw new CliError(`--to must be a commit SHA (4–40 hex digits) or a run ID (UUID), got "${to}"`, 2);
}

export function rollbackCommand(): Command {
  return new Command("rollback")
    .description("sync an earlier commit and pin the definition to it until `resume`")
    .requiredOption("--definition <name>", "definition to roll back")
    .requiredOption("--to <commit|run-id>", "commit SHA, or the ID of a succeeded run from `resource history`")
    .addOption(outputOption())
    .addHelpText(
      "after",
      `
Exit status: 0 when the rollback run succeeded, 1 otherwise.

Examples:
  $ syncline resource rollback --definition deployments.example.io --to 3f2c1ab
  $ syncline resource rollback --definition deployments.example.io --to 0b7f3c1e-2d7a-4f5e-9a51-6c0f4b8f0d21
  $ syncline resource resume --definition deployments.example.io`,
    )
    .action(async (opts: { definition: string; to: string }, c: Command) => {
      const target = rollbackTarget(opts.to);
      const { api, out, colour, format } = contextFor(c);
      const started = await api.post<RunView>(`/api/v1/definitions/${enc(opts.definition)}/rollback`, target);
      if (format === "text")
        out.line(`Rollback of ${opts.definition} to ${"commit" in target ? target.commit : `run ${target.runId}`} started: run ${started.id}`);
      const final = await waitForRun(api, started.id, format === "text" ? new ProgressLine(out) : undefined);
      if (format !== "text") printData(out, format, final);
      else {
        printRunResult(out, colour, final);
        if (final.phase === "Succeeded") {
          out.line(
            `${opts.definition} is pinned to ${shortSha(final.commit)}; syncs stay there until: syncline resource resume --definition ${opts.definition}`,
          );
        }
      }
      if (final.phase !== "Succeeded") process.exitCode = 1;
    });
}

export function resumeCommand(): Command {
  return new Command("resume")
    .description("unpin a rolled-back definition so syncs follow its branch again")
    .requiredOption("--definition <name>", "definition to resume")
    .addOption(outputOption())
    .addHelpText(
      "after",
      "\nExamples:\n  $ syncline resource resume --definition deployments.example.io\n  $ syncline resource sync --definition deployments.example.io",
    )
    .action(async (opts: { definition: string }, c: Command) => {
      const { api, out, format } = contextFor(c);
      const r = await api.post<{ definition: string; pinnedRevision: null }>(`/api/v1/definitions/${enc(opts.definition)}/resume`);
      if (format !== "text") return printData(out, format, r);
      out.line(`${r.definition} resumed: the next sync follows its branch again`);
    });
}
