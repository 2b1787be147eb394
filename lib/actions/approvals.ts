"use server";
/** Approve or reject an approval request (issue 15); the service refuses the requester and second votes. */
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { approveRequest, rejectRequest } from "@/lib/server/services/approvals";

const input = z.object({ id: z.string().uuid(), comment: z.string().max(2000).optional() });

export const approveAction = defineAction({ name: "approval.approve", role: "operator", input }, ({ id, comment }, who) =>
  approveRequest(id, who, comment || undefined),
);

export const rejectAction = defineAction({ name: "approval.reject", role: "operator", input }, ({ id, comment }, who) =>
  rejectRequest(id, who, comment || undefined),
);
