/**
 * Unified diff text (`@@ -a,b +c,d @@` hunks) between two YAML renderings. No diff library is
 * installed (only microdiff, which compares objects, not lines), and resource YAML is small,
 * so this is a plain LCS after trimming the common head and tail. A middle too large for the
 * table falls back to "all removed, all added", which is still a correct diff.
 */

export type LineOp = { op: " " | "-" | "+"; text: string };

const MAX_CELLS = 4_000_000;

export function diffLines(oldText: string, newText: string): LineOp[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const ops: LineOp[] = a.slice(0, head).map((text) => ({ op: " ", text }));
  ops.push(...(midA.length * midB.length > MAX_CELLS ? replaceAll(midA, midB) : lcsOps(midA, midB)));
  ops.push(...a.slice(a.length - tail).map((text): LineOp => ({ op: " ", text })));
  return ops;
}

function splitLines(s: string): string[] {
  if (s === "") return [];
  const lines = s.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function replaceAll(a: string[], b: string[]): LineOp[] {
  return [...a.map((text): LineOp => ({ op: "-", text })), ...b.map((text): LineOp => ({ op: "+", text }))];
}

function lcsOps(a: string[], b: string[]): LineOp[] {
  const n = a.length;
  const m = b.length;
  // len[i][j] = LCS length of a[i..] and b[j..], flattened
  const len = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      len[i * (m + 1) + j] = a[i] === b[j] ? len[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(len[(i + 1) * (m + 1) + j]!, len[i * (m + 1) + j + 1]!);
    }
  }
  const ops: LineOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ op: " ", text: a[i]! });
      i++;
      j++;
    } else if (len[(i + 1) * (m + 1) + j]! >= len[i * (m + 1) + j + 1]!) ops.push({ op: "-", text: a[i++]! });
    else ops.push({ op: "+", text: b[j++]! });
  }
  while (i < n) ops.push({ op: "-", text: a[i++]! });
  while (j < m) ops.push({ op: "+", text: b[j++]! });
  return ops;
}

/** Hunks with `context` unchanged lines around each change; empty string when equal. */
export function unifiedHunks(ops: LineOp[], context = 3): string[] {
  const changed = ops.map((o, k) => (o.op === " " ? -1 : k)).filter((k) => k >= 0);
  if (changed.length === 0) return [];
  // group change positions whose context windows touch
  const groups: [number, number][] = [];
  for (const k of changed) {
    const last = groups[groups.length - 1];
    if (last && k - last[1] <= 2 * context) last[1] = k;
    else groups.push([k, k]);
  }
  const lines: string[] = [];
  for (const [first, lastChange] of groups) {
    const start = Math.max(0, first - context);
    const end = Math.min(ops.length, lastChange + context + 1);
    let oldStart = 1;
    let newStart = 1;
    for (let k = 0; k < start; k++) {
      if (ops[k]!.op !== "+") oldStart++;
      if (ops[k]!.op !== "-") newStart++;
    }
    const slice = ops.slice(start, end);
    const oldLen = slice.filter((o) => o.op !== "+").length;
    const newLen = slice.filter((o) => o.op !== "-").length;
    // unified format: an empty side is written as "start-1,0"
    lines.push(`@@ -${oldLen === 0 ? oldStart - 1 : oldStart},${oldLen} +${newLen === 0 ? newStart - 1 : newStart},${newLen} @@`);
    for (const o of slice) lines.push(o.op + o.text);
  }
  return lines;
}
