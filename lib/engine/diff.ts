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
  // H2); only a document with a key Object.prototype also has needs the copies.
  const copy = hasInheritedNameKey(left) || hasInheritedNameKey(right);
  const changes = microdiff(copy ? cloneJson(left, { nullProto: true }) : left, copy ? cloneJson(right, { nullProto: true }) : right, {
    cyclesFix: false,
  });
  // values go out as copies of ordinary objects: the structured clone is native (the sides hold only JSON values)
  const plain = copy ? plainCopy : (v: unknown) => (typeof v === "object" && v !== null ? structuredClone(v) : v);
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

/** true when some object in `v` has an own key that `key in {}` also sees ("__proto__", "constructor", …). */
function hasInheritedNameKey(v: unknown): boolean {
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x !== "object" || x === null) continue;
    if (Array.isArray(x)) {
      for (const item of x) if (typeof item === "object" && item !== null) stack.push(item);
      continue;
    }
    for (const k of Object.keys(x)) {
      if (k in Object.prototype) return true;
      const item = (x as Record<string, unknown>)[k];
      if (typeof item === "object" && item !== null) stack.push(item);
    }
  }
  return false;
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
