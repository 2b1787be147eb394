/**
 * Validates resource specs against a definition's JSON Schema. The schema is
 * user input: patterns run on a linear-time engine (re2-engine.ts), compile
 * errors are returned rather than thrown, and compiled validators are cached by
 * the schema's canonical text (compiling costs far more than validating).
 *
 * Specs are hostile input too (any file in Git, an operator's PUT), and every error is
 * collected, so no keyword may cost more than linear time in the value: formats run on RE2
 * (safe-formats.ts) and `uniqueItems` compares canonical texts in a set instead of ajv's
 * pairwise deep-equal (20,000 objects: 17 s → milliseconds), and skips an array already over
 * its `maxItems`. A time budget for a whole batch is the server's job (a worker thread,
 * lib/server/validation/); this module stays pure and usable in-thread by the CLI and tests.
 */
import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from "ajv";
import type { DesiredResource } from "./types";
import { stableStringify } from "./canonical";
import { re2Engine } from "./re2-engine";
import { safeFormats } from "./safe-formats";

export interface SpecError {
  /** JSON pointer from the resource root, e.g. "/spec/replicas" */
  pointer: string;
  message: string;
}

export type SpecValidator = (spec: unknown) => SpecError[];

export type CompileResult = { ok: true; validate: SpecValidator } | { ok: false; errors: string[] };

const CACHE_LIMIT = 256;
const cache = new Map<string, CompileResult>();
const MAX_ERRORS_SHOWN = 10;

const acceptAll: SpecValidator = () => [];

/**
 * Results by validator and spec object. Specs of unchanged files are the same objects run after
 * run (collect.ts keeps them by parsed value) and are never modified; validators are cached by
 * schema text, so a schema change starts over.
 */
const validated = new WeakMap<SpecValidator, WeakMap<object, SpecError[]>>();

export function compileSpecValidator(schema: Record<string, unknown> | undefined): CompileResult {
  if (schema === undefined) return { ok: true, validate: acceptAll };
  const cacheKey = stableStringify(schema);
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const result = compileUncached(schema);
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(cacheKey, result);
  return result;
}

const ajvOptions = () => ({ allErrors: true, strict: false, code: { regExp: re2Engine }, formats: safeFormats() });

/**
 * One instance that only checks schemas against the meta-schema: a fresh Ajv compiles the
 * meta-schema again (~20-30 ms of one synchronous call per schema compile, issue 19 H2);
 * checking never adds the schema, so a shared instance cannot clash on `$id`.
 */
const META = Symbol.for("syncline.validate.meta-schema-checker");
/**
 * Next loads this module once per bundle (route handlers, server actions, instrumentation):
 * the checker is kept on globalThis, so the meta-schema is compiled once per process, not once
 * per bundle inside some request (~20-40 ms of one synchronous call, issue 19 H2).
 */
const shared = globalThis as unknown as { [META]?: Ajv };

/** ajv's own message for a schema the meta-schema refuses ("schema is invalid: …"), or undefined. */
function metaSchemaError(schema: Record<string, unknown>): string | undefined {
  const ajv = (shared[META] ??= new Ajv(ajvOptions()));
  if (ajv.validateSchema(schema) === true) return undefined;
  return `schema is invalid: ${ajv.errorsText(ajv.errors)}`;
}

/** Compiles the meta-schema checker now (the server calls it at start, off any request's path). */
export function warmSchemaChecks(): void {
  metaSchemaError({ type: "object" });
}

function compileUncached(schema: Record<string, unknown>): CompileResult {
  // One Ajv per schema: schemas may reuse the same $id, which one shared instance would refuse.
  // The meta-schema check is done once by the shared checker above instead of by each instance.
  const ajv = new Ajv({ ...ajvOptions(), validateSchema: false });
  ajv.removeKeyword("uniqueItems");
  ajv.addKeyword({ keyword: "uniqueItems", type: "array", schemaType: "boolean", errors: true, validate: uniqueItems });
  let fn: ValidateFunction;
  try {
    const invalid = metaSchemaError(schema);
    if (invalid !== undefined) throw new Error(invalid);
    fn = ajv.compile(schema);
  } catch (e) {
    return { ok: false, errors: [`invalid schema: ${e instanceof Error ? e.message : String(e)}`.slice(0, 500)] };
  }
  return {
    ok: true,
    validate: (spec) => {
      if (fn(spec)) return [];
      return (fn.errors ?? []).map(toSpecError);
    },
  };
}

/** `uniqueItems` in one pass: items are equal in JSON Schema's sense when their canonical texts are. */
function uniqueItems(unique: unknown, value: unknown, parentSchema?: AnySchemaObject): boolean {
  const self = uniqueItems as { errors?: Partial<ErrorObject>[] | null };
  const data = value as unknown[];
  const parent = (parentSchema ?? {}) as Record<string, unknown>;
  self.errors = null;
  if (!unique) return true;
  // already refused by maxItems: checking thousands more items would only cost time
  if (typeof parent.maxItems === "number" && data.length > parent.maxItems) return true;
  const seen = new Map<string, number>();
  for (let i = 0; i < data.length; i++) {
    const item = data[i];
    const text = typeof item === "string" ? `s${item}` : stableStringify(item);
    const first = seen.get(text);
    if (first !== undefined) {
      self.errors = [{ keyword: "uniqueItems", params: { i, j: first }, message: `must NOT have duplicate items (items ## ${first} and ${i} are identical)` }];
      return false;
    }
    seen.set(text, i);
  }
  return true;
}

function toSpecError(err: ErrorObject): SpecError {
  const base = "/spec" + err.instancePath;
  const params = err.params as Record<string, unknown>;
  if (err.keyword === "required" && typeof params.missingProperty === "string") {
    return { pointer: `${base}/${escapePointer(params.missingProperty)}`, message: "is required" };
  }
  if (err.keyword === "additionalProperties" && typeof params.additionalProperty === "string") {
    return { pointer: `${base}/${escapePointer(params.additionalProperty)}`, message: "is not allowed" };
  }
  return { pointer: base, message: err.message ?? `fails ${err.keyword}` };
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Specs of `desired` with no result yet for `validate` (each once): what a caller validating
 * elsewhere (the server's worker thread) must send. Its results go back through
 * rememberSpecErrors, after which validateDesired only reads them.
 */
export function specsToValidate(desired: readonly DesiredResource[], validate: SpecValidator): object[] {
  const results = validated.get(validate);
  const out = new Set<object>();
  for (const d of desired) {
    const spec = d.doc.spec;
    if (typeof spec === "object" && spec !== null && !results?.has(spec)) out.add(spec);
  }
  return [...out];
}

export function rememberSpecErrors(validate: SpecValidator, specs: readonly object[], errors: readonly SpecError[][]): void {
  let bySpec = validated.get(validate);
  if (!bySpec) validated.set(validate, (bySpec = new WeakMap()));
  specs.forEach((spec, i) => bySpec.set(spec, errors[i] ?? []));
}

/** "spec/replicas must be integer" */
export function formatSpecError(e: SpecError): string {
  return `${e.pointer.replace(/^\//, "")} ${e.message}`;
}

/**
 * Returns copies of `desired` where every resource whose spec fails the schema
 * has `error` = "file:line: spec/replicas must be integer; …" (appended to an
 * earlier error such as a duplicate). The input array is not modified.
 */
export function validateDesired(desired: DesiredResource[], validate: SpecValidator): DesiredResource[] {
  let bySpec = validated.get(validate);
  if (!bySpec) validated.set(validate, (bySpec = new WeakMap()));
  const results = bySpec;
  return desired.map((d) => {
    const spec = d.doc.spec;
    let errors = typeof spec === "object" && spec !== null ? results.get(spec) : undefined;
    if (!errors) {
      errors = validate(spec);
      if (typeof spec === "object" && spec !== null) results.set(spec, errors);
    }
    if (errors.length === 0) return d;
    const shown = errors.slice(0, MAX_ERRORS_SHOWN).map(formatSpecError);
    if (errors.length > MAX_ERRORS_SHOWN) shown.push(`and ${errors.length - MAX_ERRORS_SHOWN} more`);
    const message = `${d.sourcePath}:${d.sourceLine}: ${shown.join("; ")}`;
    return { ...d, error: d.error ? `${d.error}; ${message}` : message };
  });
}
