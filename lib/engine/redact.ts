/**
 * Keeps secrets out of everything Syncline shows or stores as text: diffs, run
 * records, API answers, logs. Values at a definition's secretPaths are replaced
 * by a short fingerprint, so a changed secret still shows up as a change
 * without revealing either value. Known secret strings and URL credentials are
 * scrubbed from free text such as git error messages.
 */
import { stableStringify } from "./canonical";
import { cloneJson, hasOwn, isPlainObject } from "./plain-object";
import type { ResourceKey } from "./types";

export const MIN_REDACTED_SECRET_LENGTH = 4;

/**
 * A resource's spec → the spec as shown (secret values masked); planning applies it to both
 * sides before diffing. `key` is the resource's: masks are salted per resource (and path), so
 * equal values in two resources do not mask equally (issue 19 L4).
 */
export type SpecMask = (spec: unknown, key: ResourceKey) => unknown;

/** fingerprint(JSON of the value, the concrete JSON pointer it was found at) → hex */
export type Fingerprint = (json: string, pointer: string) => string;

/**
 * Deep copy of `value` (a spec) with the values at `secretPaths` (JSON pointers
 * relative to spec; a "*" segment matches every key or index) replaced by
 * "<secret:xxxxxxxx>", the first 8 characters of fingerprint(JSON of the value, the
 * concrete pointer, each "*" replaced by the key or index it matched). Equal values at one path mask equally
 * regardless of key order; the caller's fingerprint decides what else salts the mask.
 */
export function maskSecrets<T>(value: T, secretPaths: string[], fingerprint: Fingerprint): T {
  let out: unknown = cloneJson(value);
  for (const pointer of secretPaths) {
    const segments = parsePointer(pointer);
    if (segments === undefined) continue;
    out = maskAt(out, segments, "", fingerprint);
  }
  return out as T;
}

function maskAt(node: unknown, segments: string[], at: string, fingerprint: Fingerprint): unknown {
  if (segments.length === 0) {
    if (node === undefined) return node;
    return `<secret:${fingerprint(stableStringify(node), at).slice(0, 8)}>`;
  }
  const [head, ...rest] = segments as [string, ...string[]];
  if (Array.isArray(node)) {
    const indexes = head === "*" ? node.map((_, i) => i) : /^(0|[1-9]\d*)$/.test(head) ? [Number(head)] : [];
    for (const i of indexes) if (i < node.length) node[i] = maskAt(node[i], rest, `${at}/${i}`, fingerprint);
    return node;
  }
  if (isPlainObject(node)) {
    const keys = head === "*" ? Object.keys(node) : hasOwn(node, head) ? [head] : [];
    for (const k of keys) {
      Object.defineProperty(node, k, {
        value: maskAt(node[k], rest, `${at}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`, fingerprint),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return node;
}

/** RFC 6901 pointer → segments; "" is the whole value; undefined when malformed. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Replaces every occurrence of each known secret (at least 4 characters) with "***". */
export function redactText(text: string, secrets: string[]): string {
  const usable = [...new Set(secrets)].filter((s) => typeof s === "string" && s.length >= MIN_REDACTED_SECRET_LENGTH).sort((a, b) => b.length - a.length); // longest first, so a secret containing another is removed whole
  let out = text;
  for (const s of usable) out = out.split(s).join("***");
  return out;
}

/**
 * Removes credentials from URLs: "https://user:tok@host/x" → "https://***@host/x".
 * Works on a bare URL and on free text containing URLs (error messages). A
 * linear scan, not a regex, so hostile text cannot make it backtrack.
 */
export function redactUrl(text: string): string {
  let out = "";
  let from = 0;
  let sep = text.indexOf("://");
  while (sep !== -1) {
    let next = sep + 3;
    let schemeStart = sep;
    while (schemeStart > from && /[A-Za-z0-9+.-]/.test(text.charAt(schemeStart - 1))) schemeStart--;
    if (schemeStart < sep && /[A-Za-z]/.test(text.charAt(schemeStart))) {
      const authorityStart = sep + 3;
      let end = authorityStart;
      let at = -1;
      while (end < text.length && !/[\s/?#"'<>]/.test(text.charAt(end))) {
        if (text.charAt(end) === "@") at = end;
        end++;
      }
      // an SSH user name ("git" in ssh://git@host/…) is not a credential: SSH URLs carry no password
      const sshUser = at !== -1 && /^(ssh|git\+ssh|ssh\+git)$/i.test(text.slice(schemeStart, sep)) && !text.slice(authorityStart, at).includes(":");
      if (at !== -1 && !sshUser) {
        out += text.slice(from, authorityStart) + "***";
        from = at;
        next = at;
      } else {
        // no "@" anywhere in this run, so no "://" inside it has credentials either
        next = end;
      }
    }
    sep = text.indexOf("://", next);
  }
  return out + text.slice(from);
}
