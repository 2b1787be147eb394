/**
 * Picks the documents of one definition's kind out of parsed files and turns
 * them into DesiredResources keyed by (kind, namespace, name). A document of our
 * kind that is unusable but still has a usable key becomes a DesiredResource
 * with `error` (so the UI shows it next to the live resource); without a key it
 * can only be a file problem. Keys defined twice are an error on every copy:
 * silently picking one would depend on file order.
 */
import type { DefinitionSpec, DesiredResource, FileProblem, ResourceDoc, ResourceKey, Scope } from "./types";
import type { ParsedDoc } from "./parse";
import { checkDnsLabel, checkDnsSubdomain } from "./names";
import { getOwn, isPlainObject, setOwn, findOwnKeyPath, type PlainObject } from "./plain-object";
import { compareKeys, resourceKeyString } from "./resource-key";

export interface CollectResult {
  desired: DesiredResource[];
  otherKinds: Record<string, number>;
  problems: FileProblem[];
  /** documents whose own metadata.namespace was replaced by the target namespace (forceNamespace) */
  movedNamespace: number;
}

/** The definition as collection sees it; the namespace fields are gitops.targetNamespace / forceNamespace. */
export interface CollectDef {
  kind: string;
  scope: Scope;
  targetNamespace?: string;
  forceNamespace?: boolean;
}

export const TARGET_NAMESPACE_HINT = "set spec.gitops.targetNamespace";

export function collectDefOf(spec: DefinitionSpec): CollectDef {
  return { kind: spec.names.kind, scope: spec.scope, targetNamespace: spec.gitops?.targetNamespace, forceNamespace: spec.gitops?.forceNamespace };
}

export const NO_KIND = "(none)";

export function collectDesired(files: { path: string; docs: ParsedDoc[] }[], def: CollectDef): CollectResult {
  const desired: DesiredResource[] = [];
  let movedNamespace = 0;
  const otherKinds: Record<string, number> = Object.create(null) as Record<string, number>;
  const problems: FileProblem[] = [];

  for (const file of files) {
    for (const parsed of file.docs) {
      const value = parsed.value;
      const kind = isPlainObject(value) ? getOwn(value, "kind") : undefined;
      if (parsed.decryptionError !== undefined) {
        // a document that failed to decrypt fails alone: on its resource when its key is readable
        // (metadata left in clear, as usual), else as a problem of its file
        const failed = collectUndecrypted(value, kind, def, file.path, parsed.line, parsed.decryptionError);
        if (failed === "other-kind") otherKinds[String(kind).slice(0, 100)] = (otherKinds[String(kind).slice(0, 100)] ?? 0) + 1;
        else if ("problem" in failed) problems.push(failed.problem);
        else desired.push(failed.desired);
        continue;
      }
      if (!isPlainObject(value) || kind !== def.kind) {
        const label = typeof kind === "string" && kind !== "" ? kind.slice(0, 100) : NO_KIND;
        otherKinds[label] = (otherKinds[label] ?? 0) + 1;
        continue;
      }
      const result = toDesiredMemo(value, def, file.path, parsed.line);
      if ("problem" in result) problems.push(result.problem);
      else {
        // a fresh record: later steps set error on it
        desired.push(parsed.decryptedPaths ? withDecryptedPaths(result.desired, parsed.decryptedPaths) : { ...result.desired });
        if (result.moved) movedNamespace++;
      }
    }
  }

  markDuplicates(desired);
  desired.sort((a, b) => compareKeys(a.key, b.key) || cmpSource(a, b));
  return { desired, otherKinds: { ...otherKinds }, problems, movedNamespace };
}

type Collected = { desired: DesiredResource; moved?: boolean } | { problem: FileProblem };

/** A decrypted document's encrypted values become its resource's secret paths; only spec values may be encrypted. */
function withDecryptedPaths(d: DesiredResource, paths: readonly string[]): DesiredResource {
  const outside = paths.filter((p) => !p.startsWith("/spec/"));
  const secretPaths = paths.filter((p) => p.startsWith("/spec/")).map((p) => p.slice("/spec".length));
  if (outside.length > 0) {
    const shown = outside.slice(0, 3).map((p) => p.slice(1).replace(/\//g, "."));
    const message = `${d.sourcePath}:${d.sourceLine}: SOPS_MALFORMED: only values under spec may be encrypted, but ${shown.join(", ")}${outside.length > 3 ? ` and ${outside.length - 3} more are` : outside.length > 1 ? " are" : " is"} (set encrypted_regex: ^spec$ in .sops.yaml)`;
    // the values were decrypted: none of them may be shown, so the refused document keeps only its key
    const metadata: ResourceDoc["metadata"] = { name: d.doc.metadata.name };
    if (d.doc.metadata.namespace) metadata.namespace = d.doc.metadata.namespace;
    return { ...d, doc: { kind: d.doc.kind, metadata, spec: {} }, error: d.error ? `${d.error}; ${message}` : message };
  }
  return secretPaths.length > 0 ? { ...d, secretPaths } : { ...d };
}

function collectUndecrypted(value: unknown, kind: unknown, def: CollectDef, path: string, line: number, reason: string): Collected | "other-kind" {
  const problem = { problem: { path, line, message: `${def.kind}: document not decrypted: ${reason}` } };
  if (!isPlainObject(value) || typeof kind !== "string" || kind.startsWith("ENC[")) return problem;
  if (kind !== def.kind) return "other-kind";
  const result = toDesired(value, def, path, line);
  if ("problem" in result) return problem;
  const message = `${path}:${line}: ${reason}`;
  return { desired: { ...result.desired, error: result.desired.error ? `${message}; ${result.desired.error}` : message } };
}

/**
 * toDesired results by parsed value. Parsed values come from the parse cache (by blob SHA) and
 * are never modified, so a resource whose file did not change is not checked and cloned again:
 * an incremental sync of 10,000 resources re-collects only the files that changed.
 */
const collected = new WeakMap<PlainObject, Map<string, Collected>>();

function toDesiredMemo(value: PlainObject, def: CollectDef, path: string, line: number): Collected {
  const ns = def.scope === "Namespaced" ? `${def.targetNamespace ?? ""}\0${def.forceNamespace && def.targetNamespace ? 1 : 0}` : "";
  const key = `${def.kind}\0${def.scope}\0${ns}\0${path}\0${line}`;
  let byDef = collected.get(value);
  let result = byDef?.get(key);
  if (!result) {
    result = toDesired(value, def, path, line);
    if (!byDef) collected.set(value, (byDef = new Map()));
    byDef.set(key, result);
  }
  return result;
}

function toDesired(value: PlainObject, def: CollectDef, path: string, line: number): Collected {
  const fail = (message: string) => ({ problem: { path, line, message: `${def.kind}: ${message}` } });
  const metadata = getOwn(value, "metadata");
  if (!isPlainObject(metadata)) return fail("metadata must be an object with a name");
  const name = getOwn(metadata, "name");
  if (typeof name !== "string") return fail("metadata.name must be a string");
  const nameError = checkDnsSubdomain(name, "metadata.name");
  if (nameError) return fail(nameError);

  const errors: string[] = [];
  const rawNamespace = getOwn(metadata, "namespace");
  let namespace = "";
  let moved = false;
  if (def.scope === "Namespaced" && def.forceNamespace && def.targetNamespace) {
    // Flux's force: every document goes to the target namespace, whatever it says
    namespace = def.targetNamespace;
    moved = rawNamespace !== undefined && rawNamespace !== namespace;
  } else if (def.scope === "Namespaced") {
    if (rawNamespace === undefined) {
      if (!def.targetNamespace) return fail(`metadata.namespace is required for the Namespaced kind ${def.kind} (${TARGET_NAMESPACE_HINT})`);
      namespace = def.targetNamespace;
    } else {
      if (typeof rawNamespace !== "string") return fail("metadata.namespace must be a string");
      const nsError = checkDnsLabel(rawNamespace, "metadata.namespace");
      if (nsError) return fail(nsError);
      namespace = rawNamespace;
    }
  } else if (rawNamespace !== undefined) {
    errors.push(`metadata.namespace must not be set: ${def.kind} is Cluster-scoped`);
  }

  const labels = stringMap(getOwn(metadata, "labels"), "metadata.labels", errors);
  const annotations = stringMap(getOwn(metadata, "annotations"), "metadata.annotations", errors);
  let spec: unknown = getOwn(value, "spec");
  if (spec === undefined || spec === null) spec = {};
  else if (!isPlainObject(spec)) {
    errors.push("spec must be an object");
    spec = {};
  }

  for (const [value, where] of [
    [spec, "spec"],
    [getOwn(metadata, "labels"), "metadata.labels"],
    [getOwn(metadata, "annotations"), "metadata.annotations"],
  ] as const) {
    // the walk that names the path builds a string per value: only when there is something to name
    const at = hasOwnKeyDeep(value, "__proto__") ? findOwnKeyPath(value, "__proto__", where) : undefined;
    if (at) errors.push(`${at.slice(0, 200)}: the key "__proto__" is not allowed (it cannot be stored as data)`);
  }

  const key: ResourceKey = { kind: def.kind, namespace, name };
  const docMetadata: ResourceDoc["metadata"] = { name };
  if (namespace) docMetadata.namespace = namespace;
  if (labels) docMetadata.labels = labels;
  if (annotations) docMetadata.annotations = annotations;
  // the parsed spec itself, not a copy: parsed values are shared with the parse cache and never modified
  const doc: ResourceDoc = { kind: def.kind, metadata: docMetadata, spec };
  const desired: DesiredResource = { key, doc, sourcePath: path, sourceLine: line };
  if (errors.length > 0) desired.error = `${path}:${line}: ${errors.join("; ")}`;
  return moved ? { desired, moved } : { desired };
}

function stringMap(v: unknown, what: string, errors: string[]): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) {
    errors.push(`${what} must be a map of strings`);
    return undefined;
  }
  const out: PlainObject = {};
  for (const k of Object.keys(v)) {
    const item = v[k];
    if (typeof item !== "string") {
      errors.push(`${what}.${k.slice(0, 63)} must be a string`);
      return undefined;
    }
    setOwn(out, k, item);
  }
  return out as Record<string, string>;
}

function markDuplicates(desired: DesiredResource[]): void {
  const byKey = new Map<string, DesiredResource[]>();
  for (const d of desired) {
    const k = resourceKeyString(d.key);
    const group = byKey.get(k);
    if (group) group.push(d);
    else byKey.set(k, [d]);
  }
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    group.sort(cmpSource);
    const places = group.map((d) => `${d.sourcePath}:${d.sourceLine}`);
    const where =
      group.length === 2
        ? `defined twice: ${places[0]} and ${places[1]}`
        : `defined ${group.length} times: ${places.slice(0, -1).join(", ")} and ${places[places.length - 1]}`;
    for (const d of group) d.error = d.error ? `${where}; ${d.error}` : where;
  }
}

function cmpSource(a: DesiredResource, b: DesiredResource): number {
  if (a.sourcePath !== b.sourcePath) return a.sourcePath < b.sourcePath ? -1 : 1;
  return a.sourceLine - b.sourceLine;
}

/** true when some object in `v` (at any depth) has the own key `key`; no allocation per value. */
export function hasOwnKeyDeep(v: unknown, key: string): boolean {
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x !== "object" || x === null) continue;
    if (Array.isArray(x)) {
      for (const item of x) if (typeof item === "object" && item !== null) stack.push(item);
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(x, key)) return true;
    for (const k of Object.keys(x)) {
      const item = (x as Record<string, unknown>)[k];
      if (typeof item === "object" && item !== null) stack.push(item);
    }
  }
  return false;
}
