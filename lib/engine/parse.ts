/**
 * Parses one source file from Git into plain documents, refusing hostile or
 * broken input with a problem tied to a line instead of throwing. Order of
 * defences: size, binary/control bytes, UTF-8 (source-text.ts) → nesting
 * pre-scan (json-scan.ts / yaml-depth-scan.ts) → parser with safe options →
 * shape check of every value (value-shape.ts).
 *
 * YAML is read with the YAML 1.2 core schema, also when a file declares
 * `%YAML 1.1`: `yes` stays the string "yes", `012` is the integer 12 (not
 * octal 10), `1.10` is the number 1.1, and `<<` is an ordinary key. Tags the
 * core schema does not define (`!!js/function`, `!!binary`, `!foo`, …) are
 * problems, never evaluated. Keys such as `__proto__` become own data
 * properties (both `yaml` and JSON.parse define them instead of assigning),
 * so parsing cannot change any prototype.
 *
 * U+0000 in a key or string ("\u0000" in JSON, "\0" in YAML) makes the document (or List item)
 * a problem naming the path: PostgreSQL's jsonb cannot hold it, and accepted it rolled back
 * every run of the definition.
 */
import { LineCounter, parseAllDocuments, isScalar, type Document } from "yaml";
import type { FileProblem } from "./types";
import { decodeSourceText, DEFAULT_MAX_FILE_BYTES } from "./source-text";
import { findJsonErrorOffset, scanJson } from "./json-scan";
import { findYamlTooDeep } from "./yaml-depth-scan";
import { checkValueShape, DEFAULT_MAX_NODES } from "./value-shape";
import { clipMessage, linesAt, positionAt } from "./text-position";
import { isPlainObject } from "./plain-object";
import { findNulPath } from "./nul-check";

export interface ParsedDoc {
  value: unknown;
  /** 1-based line where the document (or List item) starts */
  line: number;
  /** 0-based position of the document in the file (YAML stream order, or List item order) */
  index: number;
  /** a SOPS document that was decrypted: JSON pointers (from the document root) of its encrypted values */
  decryptedPaths?: string[];
  /** a SOPS document that could not be decrypted: why ("SOPS_MAC_MISMATCH: …"); `value` is the document without its sops block */
  decryptionError?: string;
}

export interface ParseLimits {
  maxFileBytes?: number;
  maxDepth?: number;
  maxAliasCount?: number;
}

export interface ParseResult {
  docs: ParsedDoc[];
  problems: FileProblem[];
}

export const DEFAULT_MAX_DEPTH = 100;
export const DEFAULT_MAX_ALIAS_COUNT = 100;
/** at most this many problems per file, so one broken file cannot flood a run */
const MAX_PROBLEMS_PER_FILE = 20;

export function isSourceFilePath(path: string): boolean {
  return /\.(json|ya?ml)$/i.test(path);
}

export function parseSourceFile(file: { path: string; content: Uint8Array | string }, limits: ParseLimits = {}): ParseResult {
  const maxFileBytes = limits.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxAliasCount = limits.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT;
  const problem = (message: string, pos?: { line: number; column: number }): FileProblem => ({
    path: file.path,
    ...(pos ? { line: pos.line, column: pos.column } : {}),
    message: clipMessage(message),
  });

  try {
    const decoded = decodeSourceText(file.content, maxFileBytes);
    if (!decoded.ok) return { docs: [], problems: [problem(decoded.message, decoded.position)] };
    const text = decoded.text;
    if (/\.json$/i.test(file.path)) return parseJsonText(text, maxDepth, problem);
    if (/\.ya?ml$/i.test(file.path)) return parseYamlText(text, maxDepth, maxAliasCount, problem);
    return { docs: [], problems: [problem("not a .json, .yaml or .yml file")] };
  } catch (e) {
    // Last resort: a parser bug or a stack overflow must not fail the whole run.
    const reason = e instanceof RangeError ? "input too complex to parse" : "could not parse file";
    return { docs: [], problems: [problem(reason)] };
  }
}

type MakeProblem = (message: string, pos?: { line: number; column: number }) => FileProblem;

function parseJsonText(text: string, maxDepth: number, problem: MakeProblem): ParseResult {
  if (text.trim() === "") return { docs: [], problems: [] };
  const scan = scanJson(text, maxDepth);
  if (scan.tooDeepAt !== undefined) {
    return {
      docs: [],
      problems: [problem(`nested deeper than ${maxDepth} levels (maxDepth); not parsed`, positionAt(text, scan.tooDeepAt))],
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const at = /at position (\d+)/.exec(raw);
    const offset = at?.[1] !== undefined ? Number(at[1]) : findJsonErrorOffset(text);
    return { docs: [], problems: [problem(`invalid JSON: ${cleanJsonMessage(raw)}`, positionAt(text, offset))] };
  }
  if (scan.duplicateKeys.length > 0) {
    return {
      docs: [],
      problems: scan.duplicateKeys
        .slice(0, MAX_PROBLEMS_PER_FILE)
        .map((d) => problem(`duplicate key ${JSON.stringify(d.key.slice(0, 60))}`, positionAt(text, d.offset))),
    };
  }
  const shape = checkValueShape(value, maxDepth);
  if (shape) return { docs: [], problems: [problem(shape)] };
  // JSON spells U+0000 only as the escape \u0000 (a raw control character is a syntax error), so
  // text without it needs no walk of the value (~50 ms on a 240 KB document)
  const nulProblemOf = text.includes("\\u0000") ? nulProblem : () => undefined;

  const startLine = positionAt(text, text.search(/\S/)).line;
  if (isPlainObject(value) && value.kind === "List" && Array.isArray(value.items)) {
    const items: unknown[] = value.items;
    const itemLines = scan.itemOffsets.length === items.length ? linesAt(text, scan.itemOffsets) : [];
    const docs: ParsedDoc[] = [];
    const problems: FileProblem[] = [];
    items.forEach((item, index) => {
      const line = itemLines[index] ?? startLine;
      const nul = nulProblemOf(item);
      if (nul === undefined) docs.push({ value: item, line, index });
      else if (problems.length < MAX_PROBLEMS_PER_FILE) problems.push(problem(`items.${index}: ${nul}`, { line, column: 1 }));
    });
    return { docs, problems };
  }
  const nul = nulProblemOf(value);
  if (nul !== undefined) return { docs: [], problems: [problem(nul, { line: startLine, column: 1 })] };
  return { docs: [{ value, line: startLine, index: 0 }], problems: [] };
}

/** "spec.note contains U+0000 …" for the first NUL in a document, or undefined. */
function nulProblem(value: unknown): string | undefined {
  const at = findNulPath(value, "");
  if (at === undefined) return undefined;
  return `${at.replace(/^\./, "").slice(0, 200) || "the document"} contains U+0000 (NUL), which cannot be stored; document not used`;
}

/** V8's message without the echoed file content and the offset (reported as line/column). */
function cleanJsonMessage(raw: string): string {
  return raw
    .replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, "")
    .replace(/ in JSON at position \d+.*$/s, "")
    .replace(/ \(line \d+ column \d+\)$/, "");
}

function parseYamlText(text: string, maxDepth: number, maxAliasCount: number, problem: MakeProblem): ParseResult {
  const tooDeep = findYamlTooDeep(text, maxDepth);
  if (tooDeep !== undefined) {
    return {
      docs: [],
      problems: [problem(`nested deeper than ${maxDepth} levels (maxDepth); not parsed`, positionAt(text, tooDeep))],
    };
  }
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, {
    lineCounter,
    version: "1.2",
    schema: "core",
    resolveKnownTags: false,
    uniqueKeys: true,
    merge: false,
    prettyErrors: false,
    logLevel: "silent",
    strict: true,
  });
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const docs: ParsedDoc[] = [];
  const problems: FileProblem[] = [];
  const budget = { nodes: DEFAULT_MAX_NODES };
  documents.forEach((doc, index) => {
    if (problems.length >= MAX_PROBLEMS_PER_FILE) return;
    if (isEmptyDocument(doc)) return;
    const docProblems = [
      ...doc.errors.map((err) => problem(err.message, at(err.pos[0]))),
      ...doc.warnings
        .filter((w) => w.code === "TAG_RESOLVE_FAILED")
        .map((w) => problem(`${w.message} (custom and YAML 1.1 tags are not supported)`, at(w.pos[0]))),
    ];
    const start = at(doc.contents?.range[0] ?? doc.range[0]);
    if (docProblems.length > 0) {
      problems.push(...docProblems.slice(0, MAX_PROBLEMS_PER_FILE - problems.length));
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount });
    } catch (e) {
      const message =
        e instanceof ReferenceError && /alias/i.test(e.message)
          ? `too many aliases (more than maxAliasCount ${maxAliasCount}); a YAML alias bomb?`
          : `could not read document: ${e instanceof Error ? e.message : String(e)}`;
      problems.push(problem(message, start));
      return;
    }
    const shape = checkValueShape(value, maxDepth, budget);
    if (shape) {
      problems.push(problem(shape, start));
      return;
    }
    const nul = nulProblem(value);
    if (nul !== undefined) {
      problems.push(problem(nul, start));
      return;
    }
    docs.push({ value: compactStrings(value), line: start.line, index });
  });
  return { docs, problems };
}

/**
 * `yaml` builds double-quoted and folded scalars a character at a time, which V8 keeps as a
 * rope of one node per character (~32 bytes each), and plain scalars as slices that hold the
 * whole file text alive. Parsed documents live in the parse cache, so each string is copied
 * into a flat one once: measured on 10,000 one-KiB files, 187 MiB of retained strings → ~10.
 */
function compactStrings(value: unknown): unknown {
  if (typeof value === "string") return flatString(value);
  if (value === null || typeof value !== "object") return value;
  const stack: object[] = [value];
  while (stack.length > 0) {
    const v = stack.pop() as Record<string, unknown> | unknown[];
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item = v[i];
        if (typeof item === "string") v[i] = flatString(item);
        else if (item !== null && typeof item === "object") stack.push(item);
      }
      continue;
    }
    for (const key of Object.keys(v)) {
      const item = v[key];
      // values only: keys became flat property names when they were set
      if (typeof item === "string") v[key] = flatString(item);
      else if (item !== null && typeof item === "object") stack.push(item);
    }
  }
  return value;
}

function flatString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, "utf8").toString("utf8");
}

/** Empty and comment-only documents ("---" with nothing after it) carry no content. */
function isEmptyDocument(doc: Document.Parsed): boolean {
  const contents = doc.contents;
  if (contents === null) return true;
  return isScalar(contents) && contents.value === null && contents.source === "" && !contents.tag && !contents.anchor;
}
