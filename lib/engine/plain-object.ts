/**
 * Helpers for handling untrusted JSON-like data without touching prototypes.
 * Parsed files may carry keys such as "__proto__" or "constructor"; assigning
 * them with `obj[key] = value` would invoke the inherited setter and pollute or
 * re-prototype objects. Every copy in the engine goes through these helpers so
 * such keys stay inert own data properties.
 */

export type PlainObject = Record<string, unknown>;

/** true for `{}`-like values (not arrays, not null). */
export function isPlainObject(v: unknown): v is PlainObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Define `key` as an own enumerable data property, even for "__proto__". */
export function setOwn(obj: PlainObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Own enumerable value of `key`, never an inherited one (so `constructor` reads as undefined). */
export function getOwn(obj: PlainObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export function hasOwn(obj: PlainObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/**
 * Deep copy of JSON-like data. With `nullProto`, objects get a null prototype so
 * that `key in obj` and `obj[key]` only ever see own data (used before diffing).
 */
export function cloneJson<T>(v: T, options: { nullProto?: boolean } = {}): T {
  return cloneValue(v, options.nullProto === true) as T;
}

function cloneValue(v: unknown, nullProto: boolean): unknown {
  if (Array.isArray(v)) return v.map((item) => cloneValue(item, nullProto));
  if (!isPlainObject(v)) return v;
  const out: PlainObject = nullProto ? (Object.create(null) as PlainObject) : {};
  for (const key of Object.keys(v)) setOwn(out, key, cloneValue(v[key], nullProto));
  return out;
}

/**
 * Dotted path ("spec.a.0.b") of the first own `key` anywhere in `v`, or undefined. Used to
 * refuse "__proto__" keys: the engine keeps them inert, but the store's JSON layer drops them
 * silently, so accepting them would store something other than what Git says.
 */
export function findOwnKeyPath(v: unknown, key: string, root: string): string | undefined {
  const stack: Array<{ value: unknown; path: string }> = [{ value: v, path: root }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (Array.isArray(value)) value.forEach((item, i) => stack.push({ value: item, path: `${path}.${i}` }));
    else if (isPlainObject(value)) {
      if (hasOwn(value, key)) return `${path}.${key}`;
      for (const k of Object.keys(value)) stack.push({ value: value[k], path: `${path}.${k}` });
    }
  }
  return undefined;
}
