/**
 * The engine's one composition from source files to a plan:
 *
 *   parse (injected) → collect → validate → pair with live (load content where it differs) → plan
 *
 * `parse` is injected so the caller may keep parse results (the server caches them by blob
 * SHA); `loadContent` is injected so the caller may plan against light live "heads" and read
 * full content only for the keys the planner says it needs (`keysNeedingContent`). Masking
 * (`mask`) is part of the planning input, applied to both sides before the one diff.
 */
import { collectDefOf, collectDesired } from "./collect";
import type { ParseResult } from "./parse";
import { keysNeedingContent, planSync, type PlanInput } from "./plan";
import { describeKey, resourceKeyString } from "./resource-key";
import type { SpecMask } from "./redact";
import { yieldToEventLoop } from "./time-slice";
import type { Definition, DesiredResource, FileProblem, LiveResource, Plan } from "./types";
import { compileSpecValidator, validateDesired } from "./validate";

/** The definition's schema does not compile: nothing can be validated against it. */
export class SchemaCompileError extends Error {
  constructor(readonly errors: string[]) {
    super(`the definition's schema does not compile: ${errors.join("; ")}`);
    this.name = "SchemaCompileError";
  }
}

export interface PlanFromSourceInput<F extends { path: string }> {
  /** the source files under the definition's gitops path (already filtered to .json/.yaml/.yml) */
  files: readonly F[];
  definition: Definition;
  /** live resources of the definition: full, or heads (hashes without spec) when `loadContent` is given */
  live: readonly LiveResource[];
  policy: PlanInput["policy"];
  parse: (file: F) => ParseResult;
  /** full content for these keys (resourceKeyString); the returned resources replace their heads */
  loadContent?: (keys: ReadonlySet<string>) => Promise<readonly LiveResource[]>;
  /** problems found while listing the files (limits, symlinks), reported before parse problems */
  listingProblems?: readonly FileProblem[];
  pathMissing?: boolean;
  pruneRequested?: boolean;
  /** keys (resourceKeyString) that belong to another definition → its name: they cannot be taken over */
  heldElsewhere?: ReadonlyMap<string, string>;
  mask?: SpecMask;
  /**
   * after validation, for each valid resource with decrypted (SOPS) secret paths: the resource
   * as planned and stored (the server replaces the cleartext by masks and seals it, so the store,
   * the diff and the plan never hold it)
   */
  seal?: (d: DesiredResource) => DesiredResource;
  managedBy: string;
}

export interface SourcePlan {
  plan: Plan;
  /** the live resources the plan was made against (full where it read content) */
  live: LiveResource[];
}

/** parse → collect → validate: what Git says the definition's resources are. */
export function desiredFromSource<F extends { path: string }>(
  input: Pick<PlanFromSourceInput<F>, "files" | "definition" | "parse" | "listingProblems" | "heldElsewhere" | "seal">,
): { desired: DesiredResource[]; fileProblems: FileProblem[]; otherKinds: Record<string, number>; movedNamespace: number } {
  const { spec } = input.definition;
  const fileProblems: FileProblem[] = [...(input.listingProblems ?? [])];
  const parsed: { path: string; docs: ParseResult["docs"] }[] = [];
  for (const f of input.files) {
    const r = input.parse(f);
    parsed.push({ path: f.path, docs: r.docs });
    // a parse result may be shared by files with equal content: problems name this file
    for (const p of r.problems) fileProblems.push(p.path === f.path ? p : { ...p, path: f.path });
  }
  const collected = collectDesired(parsed, collectDefOf(spec));
  const compiled = compileSpecValidator(spec.schema);
  if (!compiled.ok) throw new SchemaCompileError(compiled.errors);
  const held = input.heldElsewhere;
  const desired = validateDesired(collected.desired, compiled.validate).map((d) => {
    const owner = held?.get(resourceKeyString(d.key));
    if (owner && !d.error) return { ...d, error: `${d.sourcePath}:${d.sourceLine}: ${describeKey(d.key)} already belongs to definition ${owner}` };
    return d.secretPaths && !d.error && input.seal ? input.seal(d) : d;
  });
  return { desired, fileProblems: [...fileProblems, ...collected.problems], otherKinds: collected.otherKinds, movedNamespace: collected.movedNamespace };
}

/** The whole composition: source files and live resources in, the plan out. */
export async function planFromSource<F extends { path: string }>(input: PlanFromSourceInput<F>): Promise<SourcePlan> {
  const kind = input.definition.spec.names.kind;
  const { desired, fileProblems, otherKinds, movedNamespace } = desiredFromSource(input);
  await yieldToEventLoop(); // each stage is synchronous: let the server answer between them
  let live = [...input.live];
  if (input.loadContent) {
    const need = keysNeedingContent(kind, desired, live);
    if (need.size > 0) {
      const full = new Map((await input.loadContent(need)).map((l) => [resourceKeyString(l.key), l]));
      live = live.map((l) => full.get(resourceKeyString(l.key)) ?? l);
    }
  }
  await yieldToEventLoop();
  const plan = planSync({
    kind,
    desired,
    live,
    fileProblems,
    otherKinds,
    policy: input.policy,
    pruneRequested: input.pruneRequested,
    pathMissing: input.pathMissing,
    managedBy: input.managedBy,
    mask: input.mask,
  });
  if (movedNamespace > 0) plan.movedNamespace = movedNamespace;
  return { plan, live };
}
