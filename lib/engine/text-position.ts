/**
 * Line/column arithmetic shared by the parsers. Problems are reported as
 * 1-based line and column so editors and the UI can jump to them; columns count
 * UTF-16 code units like the editors do. CRLF counts as one line break.
 */

export interface TextPosition {
  line: number;
  column: number;
}

/** 1-based line/column of a UTF-16 offset in `text`. */
export function positionAt(text: string, offset: number): TextPosition {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** 1-based lines of ascending offsets, in one pass over the text. */
export function linesAt(text: string, ascendingOffsets: number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let pos = 0;
  for (const offset of ascendingOffsets) {
    for (let i = text.indexOf("\n", pos); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
      line++;
      pos = i + 1;
    }
    lines.push(line);
  }
  return lines;
}

/** 1-based line/column of a byte offset in UTF-8 bytes (columns count bytes). */
export function bytePositionAt(bytes: Uint8Array, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, bytes.length);
  for (let i = 0; i < end; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** Keep messages short and free of most file content. */
export function clipMessage(message: string, max = 200): string {
  const oneLine = message.replace(/[\u0000-\u001f\u007f]+/g, " ");
  return oneLine.length > max ? oneLine.slice(0, max - 1) + "…" : oneLine;
}
