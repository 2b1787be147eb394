/**
 * Where a failing field is (issue 21): a schema error names a JSON pointer into spec; this finds
 * the line of that field in the file's text through the yaml library's node ranges, so the error
 * points at `replicas: three`, not at the document's first line. Used only for documents that
 * failed validation (rare), so the file is parsed again on demand rather than keeping every
 * node's position for every document.
 */
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node } from "yaml";

/** "file:12: spec/replicas must be integer" → the JSON pointer "/spec/replicas" of the first spec error after that prefix. */
export function specErrorPointer(error: string, sourcePath: string, sourceLine: number): string | null {
  const prefix = `${sourcePath}:${sourceLine}: `;
  const at = error.indexOf(prefix);
  if (at < 0) return null;
  const m = /^(spec(?:\/[^ ;]*)?) /.exec(error.slice(at + prefix.length));
  return m ? `/${m[1]}` : null;
}

/**
 * The 1-based line of the value at `pointer` ("/spec/replicas") in the document of `text` that
 * starts at `docLine`; for a field that is missing, the line of its nearest present parent.
 * Undefined when the text does not parse or the document is not found.
 */
export function fieldLine(text: string, docLine: number, pointer: string): number | undefined {
  const lineCounter = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  } catch {
    return undefined;
  }
  if (!Array.isArray(docs)) return undefined;
  // the document whose content starts on or before docLine, the last such one (no alias is resolved: nothing expands)
  let doc = undefined;
  for (const d of docs) {
    const start = d.contents?.range?.[0];
    if (start === undefined) continue;
    if (lineCounter.linePos(start).line <= docLine) doc = d;
  }
  if (!doc) return undefined;
  const segments = pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node: Node | null = doc.contents as Node | null;
  let line: number | undefined = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  for (const seg of segments) {
    let next: Node | null = null;
    let keyLine: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const k = p.key as { value?: unknown } | null;
        return k !== null && typeof k === "object" && String(k.value) === seg;
      });
      if (pair) {
        const k = pair.key as Node | null;
        keyLine = k?.range ? lineCounter.linePos(k.range[0]).line : undefined;
        next = (pair.value as Node | null) ?? null;
      }
    } else if (isSeq(node) && /^\d+$/.test(seg)) {
      next = (node.items[Number(seg)] as Node | undefined) ?? null;
      keyLine = next?.range ? lineCounter.linePos(next.range[0]).line : undefined;
    }
    if (keyLine === undefined) break;
    line = keyLine;
    node = next;
    if (!node) break;
  }
  return line;
}
