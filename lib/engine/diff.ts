/**
 * Field-level differences between two documents, as data (FieldChange[]) for
 * the UI to render. Both sides are copied into null-prototype objects first:
 * microdiff uses `key in obj`, which would otherwise see inherited members and
 * treat a document key "__proto__" or "constructor" as present on both sides.
 */
import microdiff from "microdiff";
import type { FieldChange } from "./types";
import { cloneJson } from "./plain-object";

type Container = Record<string, unknown> | unknown[];

export function diffFields(oldDoc: unknown, newDoc: unknown): FieldChange[] {
  const oldIsContainer = isContainer(oldDoc);
  const newIsContainer = isContainer(newDoc);
  // An absent side diffs like an empty one of the other's type, so a create lists its fields.
  const left = oldDoc === undefined && newIsContainer ? emptyLike(newDoc) : oldDoc;
  const right = newDoc === undefined && oldIsContainer ? emptyLike(oldDoc) : newDoc;
  if (!isContainer(left) || !isContainer(right) || Array.isArray(left) !== Array.isArray(right)) {
    if (Object.is(left, right)) return [];
    return [rootChange(left, right)];
  }
  // Copying both sides cost ~40 ms of one synchronous call on a 20,000-item document (issue 19
  // H2); only a document with a key Object.prototype also has, where microdiff compares keys, needs the copies.
  const copy = inheritedNameKeyWhereCompared(left, right);
  const changes = microdiff(copy ? cloneJson(left, { nullProto: true }) : left, copy ? cloneJson(right, { nullProto: true }) : right, {
    cyclesFix: false,
  });
  // values go out as ordinary objects: copies only when the sides were copied into null-prototype ones
  // (otherwise they are the sides' own values: a 20,000-item create is one reference, not a clone)
  const plain = copy ? plainCopy : (v: unknown) => v;
  return changes.map((c): FieldChange => {
    const path = toPointer(c.path);
    switch (c.type) {
      case "CREATE":
        return { path, op: "added", new: plain(c.value) };
      case "REMOVE":
        return { path, op: "removed", old: plain(c.oldValue) };
      case "CHANGE":
        return withMaskNote({ path, op: "modified", old: plain(c.oldValue), new: plain(c.value) });
    }
  });
}

/**
 * true when an object microdiff compares key by key (both sides hold an object of the same shape
 * at that path) has an own key that `key in {}` also sees ("__proto__", "constructor", …). Values
 * only one side has are reported whole, so they are not walked: a create's spec costs nothing.
 */
function inheritedNameKeyWhereCompared(left: Container, right: Container): boolean {
  const stack: [Container, Container][] = [[left, right]];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    if (Array.isArray(a)) {
      const bs = b as unknown[];
      for (let i = 0; i < Math.min(a.length, bs.length); i++) pushPair(stack, a[i], bs[i]);
      continue;
    }
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const k of Object.keys(ra)) {
      if (k in Object.prototype) return true;
      if (Object.hasOwn(rb, k)) pushPair(stack, ra[k], rb[k]);
    }
    for (const k of Object.keys(rb)) if (k in Object.prototype) return true;
  }
  return false;
}

function pushPair(stack: [Container, Container][], a: unknown, b: unknown): void {
  if (isContainer(a) && isContainer(b) && Array.isArray(a) === Array.isArray(b)) stack.push([a, b]);
}

function rootChange(left: unknown, right: unknown): FieldChange {
  if (left === undefined) return { path: "", op: "added", new: right };
  if (right === undefined) return { path: "", op: "removed", old: left };
  return { path: "", op: "modified", old: left, new: right };
}

function isContainer(v: unknown): v is Container {
  return typeof v === "object" && v !== null;
}

function emptyLike(v: Container): Container {
  return Array.isArray(v) ? [] : {};
}

/** Back to ordinary objects, so callers never see null-prototype values. */
function plainCopy(v: unknown): unknown {
  return cloneJson(v);
}

/** RFC 6901: "~" → "~0", "/" → "~1". */
export function toPointer(path: (string | number)[]): string {
  return path.map((seg) => "/" + String(seg).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

const MASK = /^<secret:([0-9a-f]{8})>$/;

/** A secret value changed: both sides are masks, so the change says so in words ("changed (fingerprint a → b)"). */
function withMaskNote(c: FieldChange): FieldChange {
  const a = typeof c.old === "string" ? MASK.exec(c.old) : null;
  const b = typeof c.new === "string" ? MASK.exec(c.new) : null;
  return a && b ? { ...c, note: `changed (fingerprint ${a[1]} → ${b[1]})` } : c;
}
