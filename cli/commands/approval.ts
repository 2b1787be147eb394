/**
 * `syncline approval ls|show|approve|reject` (issue 15): approval requests of definitions with
 * spec.approval. `show` prints the reviewed plan the same way `resource sync` prints a plan.
 */
import { Command } from "commander";
import type { ApprovalRequestView } from "../api-types";
import { contextFor, enc } from "../context";
import { outputOption, printData, printTable } from "../output";
import { printPlan } from "../plan-summary";
import type { Out } from "../output";

const short = (s: string | null | undefined) => (s ? s.slice(0, 12) : "-");

function stateLine(r: ApprovalRequestView): string {
  const n = `${r.approvals.length}/${r.required}`;
  return `${r.state}${r.state === "Pending" ? ` (${n} approvals)` : ""}${r.reason ? `: ${r.reason}` : ""}`;
}

function printRequest(out: Out, r: ApprovalRequestView): void {
  out.line(`Approval request ${r.id}`);
  out.line(`  definition   ${r.definition}`);
  out.line(`  commit       ${r.commit}`);
  out.line(`  plan hash    ${r.planHash}`);
  out.line(`  state        ${stateLine(r)}`);
  out.line(`  requested by ${r.requestedBy} at ${r.createdAt}${r.expiresAt ? ` (expires ${r.expiresAt})` : ""}`);
  for (const a of r.approvals) out.line(`  approved by  ${a.by} at ${a.at}${a.comment ? `: ${a.comment}` : ""}`);
  for (const a of r.rejections) out.line(`  rejected by  ${a.by} at ${a.at}${a.comment ? `: ${a.comment}` : ""}`);
  if (r.runId) out.line(`  run          ${r.runId} (syncline run get ${r.runId})`);
}

export function approvalCommand(): Command {
  const cmd = new Command("approval")
    .alias("approvals")
    .description("approval requests: syncs of definitions with spec.approval wait here for other people's approval")
    .addHelpText("after", "\nExamples:\n  $ syncline approval ls\n  $ syncline approval show ID\n  $ syncline approval approve ID --comment 'reviewed'");
  cmd.addCommand(
    new Command("ls")
      .alias("list")
      .description("list approval requests (newest first)")
      .option("--definition <name>", "only this definition")
      .option("--state <state>", "Pending, Approved, Applied, Rejected, Stale, Expired, Superseded")
      .addOption(outputOption())
      .addHelpText("after", "\nExamples:\n  $ syncline approval ls --state Pending\n  $ syncline approval ls --definition apps.example.io -o json")
      .action(async (opts: { definition?: string; state?: string }, c: Command) => {
        const { api, out, format } = contextFor(c);
        const r = await api.get<{ items: ApprovalRequestView[] }>("/api/v1/approval-requests", { definition: opts.definition, state: opts.state });
        if (format !== "text") return printData(out, format, r.items);
        if (r.items.length === 0) return out.line("No approval requests.");
        printTable(
          out,
          ["ID", "DEFINITION", "COMMIT", "STATE", "APPROVALS", "REQUESTED-BY", "CREATED"],
          r.items.map((x) => [x.id, x.definition, short(x.commit), x.state, `${x.approvals.length}/${x.required}`, x.requestedBy, x.createdAt]),
        );
      }),
  );
  cmd.addCommand(
    new Command("show")
      .alias("get")
      .description("show a request with the plan that was reviewed")
      .argument("<id>", "request id")
      .addOption(outputOption())
      .action(async (id: string, _o: unknown, c: Command) => {
        const { api, out, colour, format } = contextFor(c);
        const r = await api.get<ApprovalRequestView>(`/api/v1/approval-requests/${enc(id)}`);
        if (format !== "text") return printData(out, format, r);
        printRequest(out, r);
        if (r.plan) {
          out.line();
          printPlan(out, colour, r.plan);
        }
      }),
  );
  for (const verb of ["approve", "reject"] as const) {
    cmd.addCommand(
      new Command(verb)
        .description(verb === "approve" ? "approve a request (not your own); at the required count the reviewed plan is applied" : "reject a request")
        .argument("<id>", "request id")
        .option("--comment <text>", "shown on the request and the run")
        .addOption(outputOption())
        .addHelpText("after", `\nExamples:\n  $ syncline approval ${verb} 0b7f3c1e-2d7a-4f5e-9a51-6c0f4b8f0d21 --comment "checked the diff"`)
        .action(async (id: string, opts: { comment?: string }, c: Command) => {
          const { api, out, format } = contextFor(c);
          const r = await api.post<ApprovalRequestView>(`/api/v1/approval-requests/${enc(id)}/${verb}`, opts.comment ? { comment: opts.comment } : {});
          if (format !== "text") return printData(out, format, r);
          out.line(`${verb === "approve" ? "Approved" : "Rejected"} ${r.id}: ${stateLine(r)}`);
          if (r.runId) out.line(`Run ${r.runId} applies commit ${short(r.commit)} (syncline run get ${r.runId}).`);
        }),
    );
  }
  return cmd;
}
