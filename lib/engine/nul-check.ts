/**
 * Finds U+0000 in parsed data. JSON ("\u0000") and YAML ("\0") can both carry it, the engine
 * handles it fine, and then PostgreSQL's jsonb refuses the whole write ("unsupported Unicode
 * escape sequence"), so one such string rolled back every run of a definition. Parsing and the
 * API refuse it instead, naming where it is.
 */
import { isPlainObject } from "./plain-object";

/**
 * Dotted path ("spec.items.3.note") of the first key or string value containing U+0000, or
 * undefined. A key with U+0000 is shown JSON-quoted, so the path itself prints safely.
 */
export function findNulPath(value: unknown, root: string): string | undefined {
  const stack: Array<{ v: unknown; path: string }> = [{ v: value, path: root }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v === "string") {
      if (v.includes("\0")) return path;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}.${i}` });
    } else if (isPlainObject(v)) {
      const keys = Object.keys(v);
      for (const k of keys) if (k.includes("\0")) return `${path}.${JSON.stringify(k)}`;
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ v: v[keys[i]!], path: `${path}.${keys[i]!}` });
    }
  }
  return undefined;
}
