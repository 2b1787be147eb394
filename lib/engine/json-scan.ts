/**
 * A single linear, non-recursive pass over JSON text, run before JSON.parse.
 * It refuses nesting deeper than the limit at once (so 20,000 `[` cost
 * microseconds, not a stack overflow further down the pipeline), finds
 * duplicate keys (JSON.parse silently keeps the last one, which hides mistakes
 * like two "replicas"), and records where each element of a top-level
 * `"items": [...]` array starts so List items get their own line numbers.
 * It tolerates invalid JSON; JSON.parse reports syntax errors.
 */

export interface JsonScanResult {
  /** offset of the bracket that went past maxDepth */
  tooDeepAt?: number;
  duplicateKeys: { key: string; offset: number }[];
  /** start offsets of the elements of the top-level object's last "items" array */
  itemOffsets: number[];
}

interface Frame {
  kind: "object" | "array";
  /** an object's first key; the set of keys is made at the second (most objects of a large document have one or two) */
  firstKey?: string;
  keys?: Set<string>;
  expectKey: boolean;
  expectValue: boolean;
  lastKey?: string;
  isItems: boolean;
}

export function scanJson(text: string, maxDepth: number): JsonScanResult {
  const result: JsonScanResult = { duplicateKeys: [], itemOffsets: [] };
  const stack: Frame[] = [];
  let itemOffsets: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
      continue;
    }
    if (top && top.kind === "array" && top.expectValue && c !== 0x5d /* ] */ && c !== 0x2c /* , */) {
      if (top.isItems) itemOffsets.push(i);
      top.expectValue = false;
    }
    if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      if (top && top.kind === "object" && top.expectKey) {
        const key = decodeKey(text.slice(i, end));
        if (top.keys) {
          if (top.keys.has(key)) result.duplicateKeys.push({ key, offset: i });
          else top.keys.add(key);
        } else if (top.firstKey === undefined) top.firstKey = key;
        else if (top.firstKey === key) result.duplicateKeys.push({ key, offset: i });
        else top.keys = new Set([top.firstKey, key]);
        top.lastKey = key;
        top.expectKey = false;
      }
      i = end;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length + 1 > maxDepth) {
        result.tooDeepAt = i;
        return result;
      }
      const isItems = c === 0x5b && stack.length === 1 && top?.kind === "object" && top.lastKey === "items";
      if (isItems) itemOffsets = [];
      stack.push(
        c === 0x7b ? { kind: "object", expectKey: true, expectValue: false, isItems: false } : { kind: "array", expectKey: false, expectValue: true, isItems },
      );
      i++;
      continue;
    }
    if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      const closed = stack.pop();
      if (closed?.isItems) result.itemOffsets = itemOffsets;
      i++;
      continue;
    }
    if (c === 0x2c /* , */ && top) {
      if (top.kind === "object") top.expectKey = true;
      else top.expectValue = true;
    }
    i++;
  }
  return result;
}

/** Offset just past the closing quote of the string starting at `start` (or text end). */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  while (j < text.length) {
    const ch = text.charCodeAt(j);
    if (ch === 0x5c /* \ */) j += 2;
    else if (ch === 0x22) return j + 1;
    else j++;
  }
  return text.length;
}

function decodeKey(token: string): string {
  // most keys have no escapes: their text is the key (JSON.parse per key cost 20,000-object bodies ~100 ms)
  if (token.length >= 2 && token.endsWith('"') && !token.includes("\\")) return token.slice(1, -1);
  try {
    const v: unknown = JSON.parse(token);
    return typeof v === "string" ? v : token;
  } catch {
    return token;
  }
}

/**
 * Offset of the first syntax error in JSON text that JSON.parse refused. Node 20
 * only sometimes says "at position N"; this finds it for the other messages.
 * Recursion is bounded because scanJson already refused deeper nesting.
 */
export function findJsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text.charAt(i))) i++;
  };
  const fail = (): never => {
    throw new JsonSyntaxAt(i);
  };
  const value = (): void => {
    ws();
    const ch = text.charAt(i);
    if (ch === "{") {
      i++;
      ws();
      if (text.charAt(i) === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text.charAt(i) !== '"') fail();
        string();
        ws();
        if (text.charAt(i) !== ":") fail();
        i++;
        value();
        ws();
        if (text.charAt(i) === ",") {
          i++;
          continue;
        }
        if (text.charAt(i) === "}") {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === "[") {
      i++;
      ws();
      if (text.charAt(i) === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text.charAt(i) === ",") {
          i++;
          continue;
        }
        if (text.charAt(i) === "]") {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === '"') return string();
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m?.[0].length ?? 0;
  };
  const string = (): void => {
    i++;
    while (i < text.length) {
      const ch = text.charCodeAt(i);
      if (ch === 0x22) {
        i++;
        return;
      }
      if (ch < 0x20) fail();
      if (ch === 0x5c) {
        const esc = text.charAt(i + 1);
        if (esc === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail();
          i += 6;
        } else if ('"\\/bfnrt'.includes(esc) && esc !== "") {
          i += 2;
        } else {
          i++;
          fail();
        }
        continue;
      }
      i++;
    }
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (e) {
    if (e instanceof JsonSyntaxAt) return e.offset;
    throw e;
  }
  return text.length;
}

class JsonSyntaxAt extends Error {
  constructor(readonly offset: number) {
    super("json syntax error");
  }
}
