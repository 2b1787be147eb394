/** What the pages show of production gates (issue 15): card gates, the approval page, the header count. */
import "server-only";
import type { ApprovalRequestView, ApprovalState, DefinitionView, GateView } from "@/lib/api/contract";
import { rowToDefinition, type DefinitionRow } from "@/lib/server/data/definitions";
import { findApprovalRequest, findOpenRequests, listGlobalWindows } from "@/lib/server/data/gates";
import type { Principal } from "@/lib/server/auth/principal";
import { expireDue, getApproval, listApprovals, pendingApprovalCount, voteRefusal } from "@/lib/server/services/approvals";
import { gateOf } from "@/lib/server/services/sync-gate";

export async function gatesOf(rows: DefinitionRow[]): Promise<{ gate: GateView; openApproval: DefinitionView["openApproval"] }[]> {
  const defs = rows.map(rowToDefinition);
  // two queries for any number of definitions: the global windows and the open requests of those with approval
  const [globals, openRequests] = await Promise.all([listGlobalWindows(), findOpenRequests(rows.filter((_, i) => defs[i]!.spec.approval).map((r) => r.id))]);
  return Promise.all(
    rows.map(async (row, i) => {
      const def = defs[i]!;
      const gate = await gateOf(def, { manual: true, globals });
      const open = def.spec.approval ? (openRequests.get(row.id) ?? null) : null;
      return {
        gate,
        openApproval: open
          ? { id: open.id, state: open.state as ApprovalState, approvals: open.votes.filter((v) => v.decision === "approve").length, required: open.required }
          : null,
      };
    }),
  );
}

export interface ApprovalPageData {
  request: ApprovalRequestView;
  /** why this user cannot approve or reject (null: they can) */
  voteDisabledReason: string | null;
}

export async function approvalPageView(id: string, me: Principal): Promise<ApprovalPageData | null> {
  await expireDue();
  const row = await findApprovalRequest(id);
  if (!row) return null;
  const request = await getApproval(id);
  const voteDisabledReason = row.state !== "Pending" ? `This request is ${row.state}${row.reason ? `: ${row.reason}` : ""}` : voteRefusal(row, me);
  return { request, voteDisabledReason };
}

export async function approvalsPageView(): Promise<ApprovalRequestView[]> {
  return listApprovals({});
}

export async function pendingApprovalsView(): Promise<number> {
  return pendingApprovalCount();
}
