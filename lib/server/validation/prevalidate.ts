/**
 * Validates the specs a sync or refresh is about to plan, off the event loop (validate-specs.ts),
 * before the engine's pipeline runs: the engine keeps each result by spec object, so its own
 * in-thread validation pass then only reads them. The pipeline stays pure and unchanged; parse
 * results are the cached ones and collect is memoized per parsed value, so the extra collect
 * pass costs lookups, not work.
 */
import "server-only";
import { collectDefOf, collectDesired } from "@/lib/engine/collect";
import type { ParseResult } from "@/lib/engine/parse";
import type { Definition } from "@/lib/engine/types";
import { compileSpecValidator, rememberSpecErrors, specsToValidate, type SpecValidator } from "@/lib/engine/validate";
import { mapInSlices, yieldToEventLoop } from "@/lib/engine/time-slice";
import { validateSpecs } from "./validate-specs";

export async function prevalidateSource<F extends { path: string }>(
  files: readonly F[],
  parse: (file: F) => ParseResult,
  definition: Definition,
): Promise<void> {
  // compiling (the first time in this bundle: ajv's meta-schema too) and parsing a large file
  // are each a synchronous stretch of tens of ms: the event loop gets a turn between them
  await yieldToEventLoop();
  const compiled = compileSpecValidator(definition.spec.schema);
  if (!compiled.ok) return; // the pipeline reports it
  await yieldToEventLoop();
  // parsing is the first (uncached) read of changed files: in slices, so the server keeps answering
  const results = await mapInSlices(files, (f) => parse(f));
  await yieldToEventLoop();
  // only files not seen before under this schema and collect rule: an incremental sync of 10,000
  // files collects the changed ones here, not all (the pipeline's own collect reads the memo)
  const collectDef = collectDefOf(definition.spec);
  let byRule = seen.get(compiled.validate);
  if (!byRule) seen.set(compiled.validate, (byRule = new Map()));
  const ruleKey = JSON.stringify(collectDef);
  let done = byRule.get(ruleKey);
  if (!done) byRule.set(ruleKey, (done = new WeakSet()));
  const fresh: { path: string; docs: ParseResult["docs"] }[] = [];
  const freshResults: ParseResult[] = [];
  files.forEach((f, i) => {
    const r = results[i]!;
    if (done.has(r)) return;
    fresh.push({ path: f.path, docs: r.docs });
    freshResults.push(r);
  });
  if (fresh.length === 0) return;
  const { desired } = collectDesired(fresh, collectDef);
  const pending = specsToValidate(desired, compiled.validate);
  if (pending.length > 0) rememberSpecErrors(compiled.validate, pending, await validateSpecs(definition.spec.schema, pending));
  // every spec of these files now has a result under this validator (kept by spec object)
  for (const r of freshResults) done.add(r);
}

/**
 * Parse results whose specs were all validated here, by validator (one per schema) and collect
 * rule. A miss costs a collect of that file; a stale hit cannot happen (results are immutable,
 * kept by object; a new schema is a new validator). Were a spec's result gone, the pipeline
 * would validate it in-thread.
 */
const seen = new WeakMap<SpecValidator, Map<string, WeakSet<ParseResult>>>();
