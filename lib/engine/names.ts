/**
 * Naming rules for resource keys. Names and namespaces end up in URLs, file
 * listings, log lines and database keys, so they follow Kubernetes' DNS-1123
 * rules: lowercase ASCII letters, digits, '-' (and '.' between labels for
 * names). That rules out "/", "..", whitespace, control, zero-width and
 * right-to-left characters by construction. Messages say which rule failed.
 */

export const MAX_NAME_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/** Error message for a DNS-1123 subdomain (resource names), or undefined when valid. */
export function checkDnsSubdomain(value: string, what = "name"): string | undefined {
  if (value.length === 0) return `${what} must not be empty`;
  if (value.length > MAX_NAME_LENGTH) return `${what} is longer than ${MAX_NAME_LENGTH} characters`;
  const special = specialReason(value, what);
  if (special) return special;
  if (!DNS_SUBDOMAIN.test(value)) {
    return `${what} ${quoteForMessage(value)} must consist of lowercase letters, digits, '-' and '.', and start and end with a letter or digit`;
  }
  return undefined;
}

/** Error message for a DNS-1123 label (namespaces, plural names), or undefined when valid. */
export function checkDnsLabel(value: string, what = "namespace"): string | undefined {
  if (value.length === 0) return `${what} must not be empty`;
  if (value.length > MAX_LABEL_LENGTH) return `${what} is longer than ${MAX_LABEL_LENGTH} characters`;
  const special = specialReason(value, what);
  if (special) return special;
  if (!DNS_LABEL.test(value)) {
    return `${what} ${quoteForMessage(value)} must consist of lowercase letters, digits and '-', and start and end with a letter or digit`;
  }
  return undefined;
}

function specialReason(value: string, what: string): string | undefined {
  if (INVISIBLE.test(value)) return `${what} contains control or invisible characters`;
  if (value.includes("/")) return `${what} ${quoteForMessage(value)} must not contain '/'`;
  if (value.includes("..")) return `${what} ${quoteForMessage(value)} must not contain '..'`;
  return undefined;
}

/** A user-supplied value made safe to echo: JSON-quoted (escapes controls), clipped. */
export function quoteForMessage(value: string, max = 64): string {
  const clipped = value.length > max ? value.slice(0, max) + "…" : value;
  return JSON.stringify(clipped);
}
