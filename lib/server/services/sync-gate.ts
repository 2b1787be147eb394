/**
 * The sync gate (issue 15): sync windows from the definition (spec.syncWindows) and the global
 * ones (admin, /api/v1/sync-windows) that match it, evaluated by engine/sync-windows.ts.
 * startSync asks assertWindowOpen, so the button, the API, the CLI and automation all pass here.
 */
import "server-only";
import { evaluateGate, globalSyncWindowInputSchema, globalWindowApplies, type Gate, type GlobalSyncWindow, type SyncWindow } from "@/lib/engine/sync-windows";
import { toFieldErrors } from "@/lib/engine/definition-input";
import type { Definition } from "@/lib/engine/types";
import { deleteGlobalWindow, insertGlobalWindow, listGlobalWindows } from "@/lib/server/data/gates";
import type { Principal } from "@/lib/server/auth/principal";
import { AppError, notFound } from "@/lib/server/errors";
import { audit } from "@/lib/server/services/audit";

export type { Gate };

/** Every window that applies to the definition: its own, then the matching global ones. */
export function windowsOf(def: Definition, globals: GlobalSyncWindow[]): SyncWindow[] {
  const own = def.spec.syncWindows ?? [];
  const applying = globals.filter((g) => globalWindowApplies(g, { name: def.metadata.name, production: def.spec.production ?? false }));
  return [...own, ...applying];
}

export async function gateOf(def: Definition, opts: { manual: boolean; now?: Date; globals?: GlobalSyncWindow[] }): Promise<Gate> {
  const globals = opts.globals ?? (await listGlobalWindows());
  return evaluateGate(windowsOf(def, globals), opts.now ?? new Date(), { manual: opts.manual });
}

/** 409 SYNC_WINDOW_CLOSED with the reason and the next opening; holds nothing (no run, no lock). */
export async function assertWindowOpen(def: Definition, who: Principal | "system", trigger: string): Promise<void> {
  const gate = await gateOf(def, { manual: who !== "system" });
  if (gate.open) return;
  const next = gate.until ? `; next opening ${gate.until}` : "; no opening within a year";
  if (who !== "system") await audit(who, "sync.start", def.metadata.name, "denied", { reason: gate.reason, nextOpening: gate.until, trigger });
  throw new AppError("SYNC_WINDOW_CLOSED", `${def.metadata.name}: ${gate.reason}${next}`, { reason: gate.reason, nextOpening: gate.until });
}

export async function listSyncWindows(): Promise<GlobalSyncWindow[]> {
  return listGlobalWindows();
}

export async function addSyncWindow(input: unknown, who: Principal): Promise<GlobalSyncWindow> {
  const r = globalSyncWindowInputSchema.safeParse(input);
  if (!r.success) {
    const errors = toFieldErrors(r.error);
    throw new AppError("VALIDATION_FAILED", `invalid sync window: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`, errors);
  }
  const saved = await insertGlobalWindow(r.data, who.username);
  await audit(who, "sync-window.create", saved.id, "ok", { kind: saved.kind, schedule: saved.schedule, match: saved.match });
  return saved;
}

export async function removeSyncWindow(id: string, who: Principal): Promise<void> {
  if (!(await deleteGlobalWindow(id))) throw notFound(`sync window ${id}`);
  await audit(who, "sync-window.delete", id);
}
