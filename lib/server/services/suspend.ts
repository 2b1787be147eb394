/**
 * Suspend / unsuspend automation for a definition, with a required reason and an optional
 * expiry. A suspended definition is still refreshed (status, drift) but never auto-synced;
 * manual syncs stay possible. Both actions are audited.
 */
import "server-only";
import { z } from "zod";
import { findDefinition, type DefinitionRow } from "@/lib/server/data/definitions";
import { setSuspension } from "@/lib/server/data/definition-automation";
import { AppError, notFound } from "@/lib/server/errors";
import { audit } from "@/lib/server/services/audit";
import type { Principal } from "@/lib/server/auth/principal";

export const suspendInputSchema = z.strictObject({
  reason: z.string().trim().min(3, "reason is required (at least 3 characters)").max(500),
  until: z.iso.datetime({ offset: true }).optional().nullable(),
});

export interface SuspensionView {
  definition: string;
  suspended: boolean;
  reason: string | null;
  until: string | null;
  by: string | null;
}

export function isSuspended(row: Pick<DefinitionRow, "suspendedReason" | "suspendedUntil">, now = Date.now()): boolean {
  return row.suspendedReason !== null && (row.suspendedUntil === null || row.suspendedUntil.getTime() > now);
}

export function suspensionView(row: DefinitionRow): SuspensionView {
  const on = isSuspended(row);
  return {
    definition: row.name,
    suspended: on,
    reason: on ? row.suspendedReason : null,
    until: on ? (row.suspendedUntil?.toISOString() ?? null) : null,
    by: on ? row.suspendedBy : null,
  };
}

export async function suspendDefinition(name: string, input: unknown, who: Principal): Promise<SuspensionView> {
  const row = await findDefinition(name);
  if (!row) throw notFound(`definition ${name}`);
  const parsed = suspendInputSchema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new AppError("VALIDATION_FAILED", details.map((d) => `${d.path}: ${d.message}`).join("; "), details);
  }
  const until = parsed.data.until ? new Date(parsed.data.until) : null;
  if (until && until.getTime() <= Date.now())
    throw new AppError("VALIDATION_FAILED", "until must be in the future", [{ path: "until", message: "must be in the future" }]);
  const updated = await setSuspension(row.id, { reason: parsed.data.reason, until, by: who.username });
  await audit(who, "definition.suspend", name, "ok", { reason: parsed.data.reason, until: until?.toISOString() ?? null });
  return suspensionView(updated);
}

export async function unsuspendDefinition(name: string, who: Principal): Promise<SuspensionView> {
  const row = await findDefinition(name);
  if (!row) throw notFound(`definition ${name}`);
  if (!isSuspended(row)) throw new AppError("CONFLICT", `definition ${name} is not suspended`);
  const updated = await setSuspension(row.id, null);
  await audit(who, "definition.unsuspend", name, "ok", { wasSuspendedFor: row.suspendedReason, by: row.suspendedBy });
  return suspensionView(updated);
}

export async function getSuspension(name: string): Promise<SuspensionView> {
  const row = await findDefinition(name);
  if (!row) throw notFound(`definition ${name}`);
  return suspensionView(row);
}
