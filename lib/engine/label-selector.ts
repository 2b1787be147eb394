/**
 * Kubernetes-style label selectors for filtering resources in the UI, API and
 * CLI: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, joined
 * by commas (all must match). Parsed once into data; matching is a pure check.
 * As in Kubernetes, `k!=v` and `k notin (…)` also match when k is absent.
 */

export type LabelRequirement =
  { key: string; op: "exists" | "notexists" } | { key: string; op: "=" | "!="; value: string } | { key: string; op: "in" | "notin"; values: string[] };

export type LabelSelector = LabelRequirement[];

export type ParseSelectorResult = { ok: true; selector: LabelSelector } | { ok: false; error: string };

const MAX_SELECTOR_LENGTH = 4096;
const KEY_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const KEY_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

export function parseLabelSelector(s: string): ParseSelectorResult {
  if (s.length > MAX_SELECTOR_LENGTH) return { ok: false, error: `selector is longer than ${MAX_SELECTOR_LENGTH} characters` };
  const parts = splitRequirements(s);
  if (typeof parts === "string") return { ok: false, error: parts };
  const selector: LabelSelector = [];
  for (const part of parts) {
    const r = parseRequirement(part.trim());
    if (typeof r === "string") return { ok: false, error: r };
    selector.push(r);
  }
  return { ok: true, selector };
}

/** Splits on commas outside parentheses; "" → no requirements. */
function splitRequirements(s: string): string[] | string {
  if (s.trim() === "") return [];
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    if (ch === "(") {
      if (depth > 0) return `unexpected "(" at position ${i + 1}`;
      depth++;
    } else if (ch === ")") {
      if (depth === 0) return `unexpected ")" at position ${i + 1}`;
      depth--;
    } else if (ch === "," && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  if (depth > 0) return 'missing ")"';
  parts.push(s.slice(start));
  if (parts.some((p) => p.trim() === "")) return "empty requirement (two commas in a row, or a trailing comma)";
  return parts;
}

function parseRequirement(part: string): LabelRequirement | string {
  let m = /^!\s*([^\s=!(),]+)$/.exec(part);
  if (m?.[1] !== undefined) return checked({ key: m[1], op: "notexists" });
  m = /^([^\s=!(),]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/.exec(part);
  if (m?.[1] !== undefined && m[2] !== undefined && m[3] !== undefined) {
    return checked({ key: m[1], op: m[2] === "!=" ? "!=" : "=", value: m[3] });
  }
  m = /^([^\s=!(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part);
  if (m?.[1] !== undefined && m[2] !== undefined && m[3] !== undefined) {
    const values = m[3].split(",").map((v) => v.trim());
    if (values.length === 1 && values[0] === "") return `"${m[2]}" needs at least one value in (…)`;
    if (values.some((v) => v === "")) return `empty value in ${JSON.stringify(part.slice(0, 80))}`;
    return checked({ key: m[1], op: m[2] === "in" ? "in" : "notin", values });
  }
  m = /^([^\s=!(),]+)$/.exec(part);
  if (m?.[1] !== undefined) return checked({ key: m[1], op: "exists" });
  return `cannot parse requirement ${JSON.stringify(part.slice(0, 80))}: use k=v, k!=v, k, !k, k in (a,b) or k notin (a,b)`;
}

function checked(r: LabelRequirement): LabelRequirement | string {
  const keyError = checkLabelKey(r.key);
  if (keyError) return keyError;
  const values = r.op === "=" || r.op === "!=" ? [r.value] : r.op === "in" || r.op === "notin" ? r.values : [];
  for (const v of values) {
    if (v.length > 63 || !VALUE.test(v)) {
      return `invalid label value ${JSON.stringify(v.slice(0, 80))}: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
    }
  }
  return r;
}

function checkLabelKey(key: string): string | undefined {
  const slash = key.indexOf("/");
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !KEY_PREFIX.test(prefix))) {
    return `invalid label key prefix ${JSON.stringify(prefix.slice(0, 80))}: must be a DNS subdomain`;
  }
  if (name.length > 63 || !KEY_NAME.test(name)) {
    return `invalid label key ${JSON.stringify(key.slice(0, 80))}: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

export function matchLabels(selector: LabelSelector, labels: Record<string, string> | null | undefined): boolean {
  const own = (k: string): string | undefined => (labels && Object.prototype.hasOwnProperty.call(labels, k) ? labels[k] : undefined);
  return selector.every((r) => {
    const v = own(r.key);
    switch (r.op) {
      case "exists":
        return v !== undefined;
      case "notexists":
        return v === undefined;
      case "=":
        return v === r.value;
      case "!=":
        return v !== r.value;
      case "in":
        return v !== undefined && r.values.includes(v);
      case "notin":
        return v === undefined || !r.values.includes(v);
    }
  });
}
