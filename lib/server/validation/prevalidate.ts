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
import { compileSpecValidator, rememberSpecErrors, specsToValidate } from "@/lib/engine/validate";
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
  const parsed = await mapInSlices(files, (f) => ({ path: f.path, docs: parse(f).docs }));
  await yieldToEventLoop();
  const { desired } = collectDesired(parsed, collectDefOf(definition.spec));
  const pending = specsToValidate(desired, compiled.validate);
  if (pending.length === 0) return;
  rememberSpecErrors(compiled.validate, pending, await validateSpecs(definition.spec.schema, pending));
}
