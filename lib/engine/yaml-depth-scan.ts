/**
 * A cheap, line-based estimate of YAML nesting depth, run before the YAML
 * parser. The parser and everything downstream recurse per nesting level, so
 * hostile input such as 20,000 `[` or `- - - - …` is refused here in
 * milliseconds instead of overflowing the stack. The estimate tracks block
 * indentation, compact "- " entries and flow brackets, skips comments, quoted
 * strings and block scalars; it may overcount slightly, never by much for real
 * files. A precise depth check runs again on the parsed value.
 */

/** Offset where the estimated depth first exceeds maxDepth, or undefined. */
export function findYamlTooDeep(text: string, maxDepth: number): number | undefined {
  const indents: number[] = [];
  let flowDepth = 0;
  let quote: '"' | "'" | null = null;
  let blockScalarParent: number | null = null;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, "");
    const indent = leadingSpaces(line);
    const blank = indent === line.length || line.charAt(indent) === "#";

    if (blockScalarParent !== null) {
      if (blank || indent > blockScalarParent) {
        lineStart = lineEnd + 1;
        continue;
      }
      blockScalarParent = null;
    }

    let pos = 0;
    if (quote === null && flowDepth === 0) {
      if (blank) {
        lineStart = lineEnd + 1;
        continue;
      }
      if (/^(---|\.\.\.)(\s|$)/.test(line)) {
        indents.length = 0;
        pos = 3;
      } else {
        while (indents.length > 0 && (indents[indents.length - 1] ?? 0) > indent) indents.pop();
        if (indents.length === 0 || (indents[indents.length - 1] ?? 0) < indent) indents.push(indent);
        // compact nesting on one line: "- - a", "- key: v", "? - a"
        pos = indent;
        const indicator = /^[-?:](?:[ \t]+|$)/;
        for (let m = indicator.exec(line.slice(pos)); m; m = indicator.exec(line.slice(pos))) {
          pos += m[0].length;
          if (pos < line.length) indents.push(pos);
          if (indents.length > maxDepth) return lineStart + pos;
        }
      }
      if (indents.length > maxDepth) return lineStart + indent;
    }

    for (let j = pos; j < line.length; j++) {
      const ch = line.charAt(j);
      if (quote === '"') {
        if (ch === "\\") j++;
        else if (ch === '"') quote = null;
        continue;
      }
      if (quote === "'") {
        if (ch === "'" && line.charAt(j + 1) === "'") j++;
        else if (ch === "'") quote = null;
        continue;
      }
      const prev = j === 0 ? " " : line.charAt(j - 1);
      const tokenStart = j === pos || " \t[{,:-?".includes(prev);
      if (ch === "#" && (prev === " " || prev === "\t" || j === 0)) break;
      if ((ch === '"' || ch === "'") && tokenStart) {
        quote = ch;
      } else if ((ch === "[" || ch === "{") && (flowDepth > 0 || tokenStart)) {
        flowDepth++;
        if (indents.length + flowDepth > maxDepth) return lineStart + j;
      } else if ((ch === "]" || ch === "}") && flowDepth > 0) {
        flowDepth--;
      } else if ((ch === "|" || ch === ">") && flowDepth === 0 && tokenStart) {
        if (/^[|>][-+0-9]*[ \t]*(#.*)?$/.test(line.slice(j))) {
          blockScalarParent = indent;
          break;
        }
      }
    }
    lineStart = lineEnd + 1;
  }
  return undefined;
}

function leadingSpaces(line: string): number {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 0x20) i++;
  return i;
}
