/**
 * Turns raw blob bytes into text the parsers may see. Everything that can be
 * refused cheaply is refused here, before any parser runs: oversized files,
 * binary content (NUL bytes), control characters and invalid UTF-8. A UTF-8
 * byte order mark is dropped so the first key is not "\uFEFFkind".
 */
import { bytePositionAt, positionAt, type TextPosition } from "./text-position";

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export type SourceTextResult = { ok: true; text: string } | { ok: false; message: string; position?: TextPosition };

// C0 controls except tab, LF and CR. Neither YAML nor JSON allows them raw.
const FORBIDDEN_CONTROL = /[\u0001-\u0008\u000b\u000c\u000e-\u001f]/;

export function decodeSourceText(content: Uint8Array | string, maxFileBytes: number): SourceTextResult {
  if (typeof content === "string") return checkString(content, maxFileBytes);
  if (content.length > maxFileBytes) return tooLarge(content.length, maxFileBytes);
  const nul = content.indexOf(0);
  if (nul !== -1) {
    return { ok: false, message: "binary file (contains NUL bytes); not parsed", position: bytePositionAt(content, nul) };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(content);
  } catch {
    const offset = firstInvalidUtf8Offset(content);
    return {
      ok: false,
      message: `invalid UTF-8 at byte offset ${offset}; files must be UTF-8 text`,
      position: bytePositionAt(content, offset),
    };
  }
  return checkControls(text);
}

function checkString(content: string, maxFileBytes: number): SourceTextResult {
  // A UTF-16 code unit encodes to at most 3 UTF-8 bytes: only measure when it may matter.
  if (content.length * 3 > maxFileBytes) {
    const bytes = new TextEncoder().encode(content).length;
    if (bytes > maxFileBytes) return tooLarge(bytes, maxFileBytes);
  }
  const nul = content.indexOf("\u0000");
  if (nul !== -1) {
    return { ok: false, message: "binary file (contains NUL bytes); not parsed", position: positionAt(content, nul) };
  }
  const text = content.startsWith("\uFEFF") ? content.slice(1) : content;
  return checkControls(text);
}

function checkControls(text: string): SourceTextResult {
  const match = FORBIDDEN_CONTROL.exec(text);
  if (match) {
    const code = match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    return {
      ok: false,
      message: `binary file or control character U+${code}; not parsed`,
      position: positionAt(text, match.index),
    };
  }
  return { ok: true, text };
}

function tooLarge(bytes: number, limit: number): SourceTextResult {
  return { ok: false, message: `file is ${bytes} bytes, larger than the limit of ${limit} bytes (maxFileBytes); not parsed` };
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}
