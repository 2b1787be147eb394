/**
 * Health (issue 14): the status subresource executors write, and the health the definition's
 * CEL rules give each resource. Health is recomputed on every status write here, and by the
 * health sweeper (scheduler/health-timers.ts) for rows whose `healthDueAt` came: a spec change
 * (a trigger in the store sets it on every content write, syncs included), a progress deadline
 * or a stale timer. Status lives in its own column: it never touches spec, labels, annotations
 * or their content hash, so it can never count as drift or start a sync.
 */
import "server-only";
import { compileHealthRules, evaluateHealth, worstHealth, type CompiledHealth, type HealthRules, type HealthStatus } from "@/lib/engine/health";
import { describeKey } from "@/lib/engine/resource-key";
import { getOwn, isPlainObject, setOwn } from "@/lib/engine/plain-object";
import type { ResourceKey } from "@/lib/engine/types";
import { findDefinitionById } from "@/lib/server/data/definitions";
import {
  findDueHealthRows,
  findDefinitionHealthRows,
  findHealthRow,
  findStatusTarget,
  storeStatusWrite,
  type StatusTarget,
  getHealthTransitions,
  countHealthByDefinition,
  getDefinitionHealthHeads,
  markDefinitionHealthDue,
  storeHealth,
  type HealthRow,
  type HealthTransitionRow,
} from "@/lib/server/data/resource-health";
import { AppError, notFound } from "@/lib/server/errors";
import { isSuspended } from "@/lib/server/services/suspend";
import type { Principal } from "@/lib/server/auth/principal";
import { hasCapability, roleAtLeast } from "@/lib/server/auth/roles";
import { publish } from "@/lib/server/runtime/events";
import { processSingleton } from "@/lib/server/runtime/singletons";
import { toResourceView } from "@/lib/server/views/resource-document";
import type { ResourceView } from "@/lib/api/contract";

/** Largest status body (the route reads at most this many bytes: 413 beyond). */
export const MAX_STATUS_BYTES = 64 * 1024;

/** Keys under `status` the server owns: a status write naming one is refused (400 naming it). */
export const RESERVED_STATUS_KEYS = ["gitSync", "health", "syncStatus", "drifted", "managedBy", "sourcePath", "sourceLine", "sopsPaths"] as const;

interface DefinitionRules {
  name: string;
  generation: number;
  compiled: CompiledHealth | null;
  /** the definition is suspended: its resources are Suspended (until `suspendedUntil`, when set) */
  suspended: boolean;
  suspendedUntil: Date | null;
}

/** Compiled rules per definition id, refreshed when the definition's generation moves. */
const rulesCache = processSingleton("health-rules-cache", () => new Map<string, { at: number; value: DefinitionRules }>());
const RULES_CACHE_MS = 1_000;

async function rulesFor(definitionId: string): Promise<DefinitionRules | null> {
  const hit = rulesCache.get(definitionId);
  if (hit && Date.now() - hit.at < RULES_CACHE_MS) return hit.value;
  const row = await findDefinitionById(definitionId);
  if (!row) return null;
  const suspension = { suspended: isSuspended(row), suspendedUntil: row.suspendedUntil };
  if (hit && hit.value.generation === row.generation) {
    hit.at = Date.now();
    Object.assign(hit.value, suspension);
    return hit.value;
  }
  let compiled: CompiledHealth | null = null;
  if (row.health) {
    // rules were checked at save; one that no longer compiles (a library change) is not assessed
    const c = compileHealthRules(row.health as unknown as HealthRules);
    compiled = c.ok ? c.value : null;
  }
  const value = { name: row.name, generation: row.generation, compiled, ...suspension };
  rulesCache.set(definitionId, { at: Date.now(), value });
  return value;
}

export function canWriteStatus(who: Principal): boolean {
  return hasCapability(who.role, "resources.status.write") || roleAtLeast(who.role, "operator");
}

/** RFC 7396 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const k of Object.keys(patch)) {
    const v = getOwn(patch, k);
    if (v === null) delete out[k];
    else setOwn(out, k, mergePatch(getOwn(out, k), v));
  }
  return out;
}

function parseStatusBody(body: unknown): Record<string, unknown> {
  if (!isPlainObject(body) || !isPlainObject(getOwn(body, "status"))) {
    throw new AppError("VALIDATION_FAILED", 'the body must be {"status": {...}}', [{ path: "status", message: "must be an object" }]);
  }
  const extra = Object.keys(body).filter((k) => k !== "status");
  if (extra.length > 0) {
    throw new AppError("VALIDATION_FAILED", `unknown field${extra.length > 1 ? "s" : ""}: ${extra.join(", ")}; only status may be written here`, [
      { path: extra[0]!, message: "not allowed" },
    ]);
  }
  const status = getOwn(body, "status") as Record<string, unknown>;
  for (const k of RESERVED_STATUS_KEYS) {
    if (Object.prototype.hasOwnProperty.call(status, k)) {
      throw new AppError("VALIDATION_FAILED", `status.${k} is reserved: the server writes it`, [{ path: `status.${k}`, message: "reserved" }]);
    }
  }
  if (Object.prototype.hasOwnProperty.call(status, "__proto__")) {
    throw new AppError("VALIDATION_FAILED", 'status: the key "__proto__" is not allowed', [{ path: "status.__proto__", message: "not allowed" }]);
  }
  const og = getOwn(status, "observedGeneration");
  if (og !== undefined && og !== null && !(typeof og === "number" && Number.isInteger(og) && og >= 0 && og <= 2 ** 31 - 1)) {
    throw new AppError("VALIDATION_FAILED", "status.observedGeneration must be a whole number", [
      { path: "status.observedGeneration", message: "must be an integer" },
    ]);
  }
  return status;
}

export interface Evaluated {
  health: HealthStatus | null;
  message: string | null;
  dueAt: Date | null;
}

export function evaluateRow(row: HealthRow, status: Record<string, unknown> | null, rules: DefinitionRules | null, now = new Date()): Evaluated {
  if (!rules?.compiled) return { health: null, message: null, dueAt: null };
  // a suspended definition's resources are Suspended; looked at again when a timed suspension ends
  if (rules.suspended) return { health: "Suspended", message: "the definition is suspended", dueAt: rules.suspendedUntil };
  const r = evaluateHealth(rules.compiled, {
    self: {
      metadata: {
        name: row.name,
        ...(row.namespace ? { namespace: row.namespace } : {}),
        labels: row.labels ?? {},
        annotations: row.annotations ?? {},
        generation: row.generation,
      },
      spec: row.spec ?? {},
      status: status ?? {},
    },
    specChangedAt: row.specChangedAt,
    statusUpdatedAt: status === null ? null : row.statusUpdatedAt,
    now,
  });
  return { health: r.status, message: r.message, dueAt: r.dueAt };
}

function announce(row: HealthRow, rules: DefinitionRules, e: Evaluated): void {
  publish("health-changed", {
    definition: rules.name,
    definitionId: row.definitionId,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    resource: describeKey(row),
    from: (row.health as HealthStatus | null) ?? null,
    to: e.health!,
    message: e.message ?? "",
  });
}

async function record(row: HealthRow, rules: DefinitionRules | null, e: Evaluated) {
  const changed = e.health !== row.health;
  await storeHealth({ id: row.id, health: e.health, message: e.message, dueAt: e.dueAt, transition: changed ? { from: row.health } : null });
  if (changed && e.health && rules) announce(row, rules, e);
}

/**
 * The compiled rules of a definition at a generation: a status write reads the definition's
 * generation and suspension with its row (one statement) and compiles only when the generation
 * moved, so the hot path never reads the definition itself.
 */
async function rulesAtGeneration(definitionId: string, d: StatusTarget["definition"]): Promise<DefinitionRules | null> {
  const suspension = { suspended: isSuspended(d), suspendedUntil: d.suspendedUntil };
  const hit = rulesCache.get(definitionId);
  if (hit && hit.value.generation === d.generation) return { ...hit.value, ...suspension };
  if (hit) hit.at = 0;
  const rules = await rulesFor(definitionId);
  return rules ? { ...rules, ...suspension } : null;
}

/** PUT (replace) or PATCH (JSON merge patch) of a resource's status; health is recomputed at once. */
export async function writeStatus(key: ResourceKey, body: unknown, mode: "replace" | "merge", who: Principal): Promise<ResourceView> {
  if (!canWriteStatus(who)) {
    throw new AppError("FORBIDDEN", `forbidden: writing status needs an executor token or the operator role (you are ${who.role})`);
  }
  const patch = parseStatusBody(body);
  // one read (the row, its definition's generation and suspension) and one write (status, health,
  // transition, the answer's row): two statements per write
  const target = await findStatusTarget(key);
  if (!target) throw notFound(describeKey(key));
  const { row } = target;
  const next = (mode === "replace" ? patch : mergePatch(row.status ?? {}, patch)) as Record<string, unknown>;
  const og = getOwn(next, "observedGeneration");
  const rules = await rulesAtGeneration(row.definitionId, target.definition);
  const stamped = { ...row, statusUpdatedAt: new Date() };
  const e = evaluateRow(stamped, next, rules);
  const changed = e.health !== row.health;
  const written = await storeStatusWrite({
    id: row.id,
    health: e.health,
    message: e.message,
    dueAt: e.dueAt,
    transition: changed ? { from: row.health } : null,
    status: { value: next, observedGeneration: typeof og === "number" ? og : null },
  });
  if (!written) throw notFound(describeKey(key));
  if (changed && e.health && rules) announce(row, rules, e);
  return toResourceView(written.row, written.definition, written.secretPaths);
}

/** Recomputes rows whose timer is due; returns how many. Called by the sweeper under its lease. */
export async function sweepDueHealth(limit = 500): Promise<number> {
  const rows = await findDueHealthRows(limit);
  const now = new Date();
  // suspension may have just changed (data/definition-automation.ts marks rows due): read it afresh
  for (const id of new Set(rows.map((r) => r.definitionId))) {
    const hit = rulesCache.get(id);
    if (hit) hit.at = 0; // re-read the row, keep the compiled rules when its generation did not move
  }
  for (const row of rows) {
    const rules = await rulesFor(row.definitionId);
    await record(row, rules, evaluateRow(row, row.status, rules, now));
  }
  return rows.length;
}

/** After a definition's rules changed (or it was suspended/resumed): look at all of its resources again. */
export async function definitionHealthChanged(definitionId: string): Promise<void> {
  rulesCache.delete(definitionId);
  await markDefinitionHealthDue(definitionId);
}

/**
 * The health the rules give a definition's resources right now, evaluated in memory (nothing is
 * stored: the sweeper records transitions). null when the definition has no rules. For a sync's
 * waitForHealthy (sync/wait-healthy.ts), which must not wait on the sweeper's schedule.
 */
export async function assessDefinitionNow(definitionId: string): Promise<{ key: string; health: HealthStatus | null; message: string | null }[] | null> {
  const hit = rulesCache.get(definitionId);
  if (hit) hit.at = 0;
  const rules = await rulesFor(definitionId);
  if (!rules?.compiled) return null;
  const now = new Date();
  return (await findDefinitionHealthRows(definitionId)).map((row) => {
    const e = evaluateRow(row, row.status, rules, now);
    return { key: describeKey(row), health: e.health, message: e.message };
  });
}

export function forgetHealthRulesForTests(): void {
  rulesCache.clear();
}

export interface DefinitionHealth {
  /** null: the definition has no health rules (not assessed) */
  health: HealthStatus | null;
  counts: Partial<Record<HealthStatus, number>>;
}

/** Per definition name: the worst health of its resources and the counts (issue 14). */
/** `ids`: only these definitions (a page of one); default every definition. */
export async function definitionHealthSummary(ids?: string[]): Promise<Map<string, DefinitionHealth>> {
  const out = new Map<string, DefinitionHealth>();
  const [defs, counts] = await Promise.all([getDefinitionHealthHeads(ids), countHealthByDefinition(ids)]);
  const byId = new Map<string, Partial<Record<HealthStatus, number>>>();
  for (const r of counts) {
    if (!r.health) continue;
    const c = byId.get(r.definitionId) ?? {};
    c[r.health as HealthStatus] = r.n;
    byId.set(r.definitionId, c);
  }
  for (const d of defs) {
    const counts = byId.get(d.id) ?? {};
    const missing = Number((d.statusSummary as { Missing?: unknown } | null)?.Missing ?? 0) || 0;
    // Git-only resources are not rows: they count as Missing here (the ?health= filter cannot list them)
    if (d.hasRules && missing > 0 && !isSuspended(d)) counts.Missing = missing;
    out.set(d.name, { health: aggregateHealth(counts, missing, isSuspended(d), d.hasRules), counts });
  }
  return out;
}

export async function resourceHealthTransitions(key: ResourceKey): Promise<HealthTransitionRow[]> {
  const row = await findHealthRow(key);
  if (!row) throw notFound(describeKey(key));
  return getHealthTransitions(row.id);
}

/** The worst health of a definition's resources (Missing when Git holds resources the store does not). */
export function aggregateHealth(counts: Partial<Record<string, number>>, missing: number, suspended: boolean, assessed: boolean): HealthStatus | null {
  if (!assessed) return null;
  if (suspended) return "Suspended";
  const present = Object.entries(counts)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([h]) => h as HealthStatus);
  if (missing > 0) present.push("Missing");
  return worstHealth(present);
}
