/**
 * One canonical form for resource content. Hashes stored on resources
 * (appliedSpecHash, liveSpecHash) and the YAML shown side by side in diff views
 * must not depend on key order, so both go through sorted, deterministic output.
 */
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import { isPlainObject } from "./plain-object";

/** JSON with object keys sorted at every depth; undefined members are dropped like JSON.stringify. */
export function stableStringify(v: unknown): string {
  const out = stringifyValue(v);
  return out === undefined ? "null" : out;
}

function stringifyValue(v: unknown): string | undefined {
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? JSON.stringify(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return JSON.stringify(v.toString());
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (Array.isArray(v)) {
    return "[" + v.map((item) => stringifyValue(item) ?? "null").join(",") + "]";
  }
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  const obj = v as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const s = stringifyValue(obj[key]);
    if (s !== undefined) parts.push(JSON.stringify(key) + ":" + s);
  }
  return "{" + parts.join(",") + "}";
}

export interface HashableContent {
  spec: unknown;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
}

/**
 * sha256 (hex) of the comparable content of a resource. Absent and empty label /
 * annotation maps hash the same, and a missing spec hashes like `{}`, so a
 * resource read back from the store hashes like the document it came from.
 */
export function contentHash(content: HashableContent): string {
  const canonical = stableStringify({
    annotations: nonEmptyMap(content.annotations) ?? {},
    labels: nonEmptyMap(content.labels) ?? {},
    spec: content.spec === undefined ? {} : content.spec,
  });
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}

/** The map when it has entries, otherwise undefined. */
export function nonEmptyMap<T>(m: Record<string, T> | null | undefined): Record<string, T> | undefined {
  return isPlainObject(m) && Object.keys(m).length > 0 ? m : undefined;
}

/**
 * YAML with sorted keys for side-by-side views. No anchors/aliases (shared
 * objects are written out in full) and no line folding, so equal content always
 * renders to equal text. `""` for undefined (the absent side of a create/delete).
 */
export function toCanonicalYaml(doc: unknown): string {
  if (doc === undefined) return "";
  return stringify(doc, {
    sortMapEntries: true,
    aliasDuplicateObjects: false,
    lineWidth: 0,
    version: "1.2",
  });
}
