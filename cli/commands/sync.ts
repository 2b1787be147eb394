/**
 * `syncline resource sync`: the seed's `colonies resource sync`. Prints the plan first (the
 * same diff the server will apply), starts the run, follows it to the end and prints the
 * result; a Failed or Interrupted run exits 1 so CI notices.
 */
import { Command } from "commander";
import type { ApprovalRequestView, DefinitionView, DiffView, RunDetailView, RunView } from "../api-types";
import { confirmProductionSync, terminalIo } from "../production-confirm";
import { contextFor, enc } from "../context";
import { ApiError, CliError } from "../cli-error";
import { outputOption, printData } from "../output";
import { printPlan } from "../plan-summary";
import { ProgressLine } from "../progress-line";
import { printRunResult } from "../run-summary";
import { waitForRun } from "../wait-for-run";
import { parseTimeout } from "./resource-wait";

interface SyncOpts {
  definition: string;
  dryRun?: boolean;
  revision?: string;
  prune?: boolean;
  yes?: boolean;
  waitHealthy?: boolean;
  healthTimeout?: string;
}

export function syncCommand(): Command {
  return new Command("sync")
    .description("sync a definition's resources from Git: print the plan, apply it, wait for the result")
    .requiredOption("--definition <name>", "definition to sync, e.g. deployments.example.io")
    .option("--dry-run", "plan and record a dry-run run, change nothing")
    .option("--revision <rev>", "commit SHA, tag or branch to sync instead of the branch head")
    .option("--prune", "also delete resources that are no longer in Git")
    .option("--yes", "a production definition: confirm without typing its name (required without a terminal)")
    .option("--wait-healthy", "keep the run open until the applied resources are Healthy (needs spec.health); not Healthy by the deadline: the run fails")
    .option("--health-timeout <duration>", "deadline for --wait-healthy, e.g. 90s, 5m (default: the definition's progressDeadlineSeconds)")
    .addOption(outputOption())
    .addHelpText(
      "after",
      `
Exit status: 0 when the run succeeded, 1 when it failed or on error (with --wait-healthy: also
when the applied resources were not all Healthy by the deadline; the run records the outcome). A definition with
spec.approval answers an approval request instead of a run: its id is printed and the exit is 0.
Outside a sync window the server refuses with SYNC_WINDOW_CLOSED, the reason and the next opening (exit 1).
A production definition asks for its name typed on a terminal; scripts pass --yes.

Examples:
  # Dry run to see what would be synced
  $ syncline resource sync --definition deployments.example.io --dry-run
  # Sync resources from Git
  $ syncline resource sync --definition deployments.example.io
  $ syncline resource sync --definition deployments.example.io --revision v1.2.0 --prune
  # Sync and wait until the applied resources are Healthy (exit 1 if not within 5 minutes)
  $ syncline resource sync --definition deployments.example.io --wait-healthy --health-timeout 5m`,
    )
    .action(async (opts: SyncOpts, c: Command) => {
      const { api, out, colour, format } = contextFor(c);
      const base = `/api/v1/definitions/${enc(opts.definition)}`;
      const plan = await api.get<DiffView>(`${base}/diff`, { revision: opts.revision, prune: opts.prune ? "true" : undefined });
      if (format === "text") {
        printPlan(out, colour, plan);
        out.line();
      }
      const def = await api.get<DefinitionView>(base);
      await confirmProductionSync(opts.definition, { production: !!def.spec.production, dryRun: !!opts.dryRun, yes: !!opts.yes }, terminalIo());
      let started: RunView | { approvalRequest: ApprovalRequestView };
      try {
        started = await api.post<RunView | { approvalRequest: ApprovalRequestView }>(`${base}/sync`, {
          dryRun: !!opts.dryRun,
          prune: !!opts.prune,
          ...(opts.revision ? { revision: opts.revision } : {}),
          ...(opts.waitHealthy ? { waitForHealthy: true } : {}),
          ...(opts.waitHealthy && opts.healthTimeout ? { healthTimeoutSeconds: Math.max(1, Math.ceil(parseTimeout(opts.healthTimeout) / 1000)) } : {}),
        });
      } catch (err) {
        const runId = err instanceof ApiError && err.code === "SYNC_IN_PROGRESS" ? (err.details as { runId?: string } | null)?.runId : undefined;
        if (runId) throw new CliError(`${err instanceof Error ? err.message : ""} (follow it with: syncline run get ${runId})`);
        throw err;
      }
      // spec.approval (issue 15): the sync is an approval request; that is not a failure
      if ("approvalRequest" in started) {
        const r = started.approvalRequest;
        if (format !== "text") return printData(out, format, { plan, approvalRequest: r });
        out.line(`Approval request ${r.id} created: ${r.required} approval(s) needed before commit ${r.commit.slice(0, 12)} is applied.`);
        out.line(`Note: nothing was applied yet. Someone else approves with: syncline approval approve ${r.id}`);
        return;
      }
      if (format === "text") out.line(`${opts.dryRun ? "Dry run" : "Sync"} started: run ${started.id}`);
      const final: RunDetailView = await waitForRun(api, started.id, format === "text" ? new ProgressLine(out) : undefined);
      if (format !== "text") printData(out, format, { plan, run: withoutChanges(final) });
      else printRunResult(out, colour, final);
      if (final.phase !== "Succeeded") process.exitCode = 1;
    });
}

function withoutChanges(r: RunDetailView): Omit<RunDetailView, "changes" | "changesTotal"> {
  const { changes: _c, changesTotal: _t, ...rest } = r;
  return rest;
}
