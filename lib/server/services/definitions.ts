/** Definitions: validate the seed's JSON, store it, answer it with defaults and status. */
import { definitionHealthChanged } from "@/lib/server/services/resource-health";
import "server-only";
import type { ApprovalState, DefinitionView } from "@/lib/api/contract";
import type { GlobalSyncWindow } from "@/lib/engine/sync-windows";
import { findOpenRequest, listGlobalWindows } from "@/lib/server/data/gates";
import { gateOf } from "@/lib/server/services/sync-gate";
import { parseDefinitionInput } from "@/lib/engine/definition-input";
import type { Definition } from "@/lib/engine/types";
import {
  createDefinition,
  deleteDefinition,
  findDefinition,
  getDefinitions,
  rowToDefinition,
  updateDefinition,
  type DefinitionRow,
} from "@/lib/server/data/definitions";
import { isUniqueViolation } from "@/lib/server/data/errors";
import { audit } from "@/lib/server/services/audit";
import { AppError, notFound } from "@/lib/server/errors";
import type { Principal } from "@/lib/server/auth/principal";
import { redactUrl } from "@/lib/engine/redact";
import { appliedOffBranchNotice } from "@/lib/engine/status";
import { localRepoRefusal } from "@/lib/server/services/local-repos";
import { secretType } from "@/lib/server/services/secrets";

export type { DefinitionView };

export function toDefinitionView(row: DefinitionRow): DefinitionView {
  const def = rowToDefinition(row);
  if (def.spec.gitops) def.spec.gitops = { ...def.spec.gitops, repoURL: redactUrl(def.spec.gitops.repoURL) };
  return {
    ...def,
    status: {
      generation: row.generation,
      pinnedRevision: row.pinnedRevision,
      pinnedBy: row.pinnedBy,
      headCommit: row.headCommit,
      syncedCommit: row.syncedCommit,
      appliedOffBranch: appliedOffBranchNotice(row, def.spec.gitops?.branch),
      lastRefreshAt: row.lastRefreshAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      lastSyncTime: row.lastSyncTime?.toISOString() ?? null,
      suspendedReason: row.suspendedReason,
    },
  };
}

function validated(input: unknown): Definition {
  const r = parseDefinitionInput(input);
  if (!r.ok) {
    const list = r.errors.map((e) => `${e.path}: ${e.message}`).join("; ");
    throw new AppError("VALIDATION_FAILED", `invalid ResourceDefinition: ${list}`, r.errors);
  }
  const local = localRepoRefusal(r.value.spec.gitops?.repoURL ?? "");
  if (local) {
    throw new AppError("VALIDATION_FAILED", `invalid ResourceDefinition: spec.gitops.repoURL: ${local}`, [{ path: "spec.gitops.repoURL", message: local }]);
  }
  return r.value;
}

/** spec.gitops.decryption names an existing `sops-age` secret (400 naming the field otherwise). */
async function checkDecryption(def: Definition): Promise<void> {
  const d = def.spec.gitops?.decryption;
  if (!d) return;
  const type = await secretType(d.secretName);
  const message =
    type === null ? `secret ${d.secretName} does not exist` : type !== "sops-age" ? `secret ${d.secretName} is a ${type} secret, not sops-age` : undefined;
  if (message) {
    const path = "spec.gitops.decryption.secretName";
    throw new AppError("VALIDATION_FAILED", `invalid ResourceDefinition: ${path}: ${message}`, [{ path, message }]);
  }
}

export async function addDefinition(input: unknown, who: Principal): Promise<DefinitionView> {
  const def = validated(input);
  await checkDecryption(def);
  try {
    const row = await createDefinition(def);
    if (def.spec.health) await definitionHealthChanged(row.id);
    await audit(who, "definition.create", def.metadata.name);
    return toDefinitionView(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("CONFLICT", `definition ${def.metadata.name} already exists`);
    throw err;
  }
}

export async function replaceDefinition(name: string, input: unknown, who: Principal): Promise<DefinitionView> {
  const def = validated(input);
  if (def.metadata.name !== name) {
    throw new AppError("VALIDATION_FAILED", `metadata.name (${def.metadata.name}) does not match the URL (${name})`, [
      { path: "metadata.name", message: "must match the name in the URL" },
    ]);
  }
  if (!(await findDefinition(name))) throw notFound(`definition ${name}`);
  await checkDecryption(def);
  const row = await updateDefinition(name, def);
  await definitionHealthChanged(row.id);
  await audit(who, "definition.update", name);
  return toDefinitionView(row);
}

export async function getDefinitionView(name: string): Promise<DefinitionView> {
  const row = await findDefinition(name);
  if (!row) throw notFound(`definition ${name}`);
  return withGate(toDefinitionView(row), row, await listGlobalWindows());
}

export async function listDefinitionViews(): Promise<DefinitionView[]> {
  const globals = await listGlobalWindows();
  return Promise.all((await getDefinitions()).map((row) => withGate(toDefinitionView(row), row, globals)));
}

/** Issue 15: may a person sync now (sync windows), and the open approval request. */
async function withGate(view: DefinitionView, row: DefinitionRow, globals: GlobalSyncWindow[]): Promise<DefinitionView> {
  const gate = await gateOf(rowToDefinition(row), { manual: true, globals });
  const open = rowToDefinition(row).spec.approval ? await findOpenRequest(row.id) : null;
  return {
    ...view,
    gate,
    openApproval: open
      ? { id: open.id, state: open.state as ApprovalState, approvals: open.votes.filter((v) => v.decision === "approve").length, required: open.required }
      : null,
  };
}

export async function removeDefinition(name: string, who: Principal): Promise<void> {
  if (!(await deleteDefinition(name))) throw notFound(`definition ${name}`);
  await audit(who, "definition.delete", name);
}
