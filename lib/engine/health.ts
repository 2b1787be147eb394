/**
 * Health (issue 14): a definition's CEL rules (`spec.health`, Flux's healthCheckExprs semantics)
 * turn a resource (`self`: metadata, spec, status as the executor wrote it) into Healthy,
 * Progressing, Degraded or Unknown. Pure: the caller passes the clock and the stored times, and
 * gets back when health must be looked at again (the progress deadline or the stale timer).
 *
 * - Rules are evaluated in the order inProgress, failed, current; the first true one decides.
 * - None true: Progressing until progressDeadlineSeconds after the last spec change, then Degraded.
 * - An evaluation error (a missing field, a type error) is Unknown at once, with the error as
 *   the message; `self.status.?ready` (optional syntax) lets an author opt out of that.
 * - staleAfterSeconds: no status written since the last spec change for that long → Degraded.
 */
import { Environment } from "@marcbachmann/cel-js";

import { HEALTH_STATUSES, type HealthStatus } from "./vocabulary";

export { HEALTH_STATUSES, type HealthStatus };

/** Worst first: a definition's health is the worst of its resources'. */
export const HEALTH_SEVERITY: readonly HealthStatus[] = ["Degraded", "Missing", "Progressing", "Unknown", "Suspended", "Healthy"];

export function isHealthStatus(v: unknown): v is HealthStatus {
  return typeof v === "string" && (HEALTH_STATUSES as readonly string[]).includes(v);
}

/** The worst of `statuses` (null when there are none: nothing assessed). */
export function worstHealth(statuses: Iterable<HealthStatus | null | undefined>): HealthStatus | null {
  let worst: number | null = null;
  for (const s of statuses) {
    if (!s) continue;
    const i = HEALTH_SEVERITY.indexOf(s);
    if (i >= 0 && (worst === null || i < worst)) worst = i;
  }
  return worst === null ? null : HEALTH_SEVERITY[worst]!;
}

export interface HealthRules {
  inProgress?: string;
  failed?: string;
  current: string;
  progressDeadlineSeconds?: number;
  staleAfterSeconds?: number;
}

export const RULE_FIELDS = ["inProgress", "failed", "current"] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
/** Longest expression accepted at save. */
export const MAX_EXPRESSION_LENGTH = 1024;
/** Most AST nodes an expression may have (with the 64 KiB status cap, a bound on its evaluation cost). */
export const MAX_EXPRESSION_NODES = 200;
/** Comprehensions (all, exists, map, filter) nested deeper than this are refused: their cost multiplies. */
export const MAX_COMPREHENSION_DEPTH = 2;

const COMPREHENSIONS = new Set(["all", "exists", "exists_one", "map", "filter"]);

function newEnvironment(): Environment {
  return new Environment({
    unlistedVariablesAreDyn: false,
    // `self.status.?ready.orValue(false)`: the author's way to say "a missing field is false"
    enableOptionalTypes: true,
    limits: { maxAstNodes: MAX_EXPRESSION_NODES, maxDepth: 50, maxListElements: 100, maxMapEntries: 100, maxCallArguments: 16 },
  }).registerVariable("self", "map");
}

let sharedEnv: Environment | undefined;
function env(): Environment {
  return (sharedEnv ??= newEnvironment());
}

export interface RuleError {
  /** "spec.health.current" */
  path: string;
  message: string;
}

type Evaluator = (ctx: Record<string, unknown>) => unknown;

export interface CompiledHealth {
  rules: HealthRules;
  evaluators: Partial<Record<RuleField, Evaluator>>;
}

/** 1-based line and column of `offset` in `text`. */
function where(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

/** A library error's summary with the position it names, as "(at line L, column C)". */
function describeError(err: unknown, expr: string): string {
  const e = err as { message?: string; summary?: string; range?: { start?: number } };
  // the library's message adds a source excerpt and a caret line: the summary is its first line
  const first = (e?.summary ?? String(e?.message ?? err).split("\n")[0] ?? "").trim();
  const pos = typeof e?.range?.start === "number" ? e.range.start : undefined;
  return pos !== undefined && expr ? `${first} (at ${where(expr, pos)})` : first;
}

interface AstNode {
  op: string;
  args: unknown;
}

function isAstNode(v: unknown): v is AstNode {
  return typeof v === "object" && v !== null && typeof (v as AstNode).op === "string" && "args" in v;
}

/** How deep comprehension macros nest in the expression. */
function comprehensionDepth(node: unknown, depth = 0): number {
  if (Array.isArray(node)) return node.reduce((m: number, c) => Math.max(m, comprehensionDepth(c, depth)), depth);
  if (!isAstNode(node)) return depth;
  const args = Array.isArray(node.args) ? node.args : [node.args];
  const d = node.op === "rcall" && typeof args[0] === "string" && COMPREHENSIONS.has(args[0]) ? depth + 1 : depth;
  return args.reduce((m: number, c) => Math.max(m, comprehensionDepth(c, d)), d);
}

/** Compiles and type-checks every rule; all errors at once, each naming its field and position. */
export function compileHealthRules(rules: HealthRules): { ok: true; value: CompiledHealth } | { ok: false; errors: RuleError[] } {
  const errors: RuleError[] = [];
  const evaluators: CompiledHealth["evaluators"] = {};
  for (const field of RULE_FIELDS) {
    const expr = rules[field];
    if (expr === undefined) continue;
    const path = `spec.health.${field}`;
    if (expr.trim() === "") {
      errors.push({ path, message: "is empty; write a CEL expression such as self.status.?ready.orValue(false)" });
      continue;
    }
    if (expr.length > MAX_EXPRESSION_LENGTH) {
      errors.push({ path, message: `is ${expr.length} characters long; at most ${MAX_EXPRESSION_LENGTH}` });
      continue;
    }
    let parsed: Evaluator & { ast?: unknown };
    try {
      parsed = env().parse(expr) as Evaluator & { ast?: unknown };
    } catch (err) {
      errors.push({ path, message: describeError(err, expr) });
      continue;
    }
    const nested = comprehensionDepth(parsed.ast);
    if (nested > MAX_COMPREHENSION_DEPTH) {
      errors.push({ path, message: `nests macros (all, exists, map, filter) ${nested} deep; at most ${MAX_COMPREHENSION_DEPTH} (evaluation cost limit)` });
      continue;
    }
    const checked = env().check(expr);
    if (!checked.valid) {
      errors.push({ path, message: describeError(checked.error, expr) });
      continue;
    }
    if (checked.type !== "bool" && checked.type !== "dyn") {
      errors.push({ path, message: `must be a bool expression; this one gives ${checked.type}` });
      continue;
    }
    evaluators[field] = parsed;
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { rules, evaluators } };
}

export interface HealthInput {
  /** the resource as `self`: { metadata, spec, status } */
  self: { metadata: Record<string, unknown>; spec: unknown; status: Record<string, unknown> };
  /** the last spec change (Resource.specChangedAt) */
  specChangedAt: Date;
  /** the last status write, null when none was ever written */
  statusUpdatedAt: Date | null;
  now: Date;
}

export interface HealthResult {
  status: HealthStatus;
  message: string;
  /** when to evaluate again without any write (a deadline or stale timer), null when nothing waits */
  dueAt: Date | null;
}

const labels: Record<RuleField, HealthStatus> = { inProgress: "Progressing", failed: "Degraded", current: "Healthy" };

/** Plain JSON numbers become CEL ints where they are whole, so `self.status.readyReplicas == self.spec.replicas` works. */
function toCel(v: unknown): unknown {
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toCel);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toCel(x);
    return out;
  }
  return v;
}

export function evaluateHealth(compiled: CompiledHealth, input: HealthInput): HealthResult {
  const { rules, evaluators } = compiled;
  const now = input.now.getTime();
  const changed = input.specChangedAt.getTime();
  let due: number | null = null;
  const wait = (t: number) => (due = due === null ? t : Math.min(due, t));
  const dueAt = () => (due === null ? null : new Date(due));

  if (rules.staleAfterSeconds !== undefined) {
    const noStatusSinceChange = input.statusUpdatedAt === null || input.statusUpdatedAt.getTime() < changed;
    if (noStatusSinceChange) {
      const staleAt = changed + rules.staleAfterSeconds * 1000;
      if (now >= staleAt) return { status: "Degraded", message: "no status from the executor", dueAt: null };
      wait(staleAt);
    }
  }
  const ctx = { self: toCel(input.self) as Record<string, unknown> };
  for (const field of RULE_FIELDS) {
    const fn = evaluators[field];
    if (!fn) continue;
    let out: unknown;
    try {
      out = fn(ctx);
    } catch (err) {
      return { status: "Unknown", message: `spec.health.${field}: ${describeError(err, rules[field] ?? "")}`, dueAt: dueAt() };
    }
    if (typeof out !== "boolean") {
      return { status: "Unknown", message: `spec.health.${field}: gave ${out === null ? "null" : typeof out}, not a bool`, dueAt: dueAt() };
    }
    if (out) return { status: labels[field], message: `spec.health.${field} is true`, dueAt: dueAt() };
  }
  const deadline = changed + (rules.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS) * 1000;
  if (now >= deadline) return { status: "Degraded", message: "no rule matched within the deadline", dueAt: null };
  wait(deadline);
  return { status: "Progressing", message: "waiting for a rule to match", dueAt: dueAt() };
}
