/**
 * Signature checks, done on the raw bytes before anything parses them. Every comparison
 * is constant-time over equal-length digests, so timing says nothing about how much of a
 * forged signature was right.
 */
import crypto from "node:crypto";

export interface NamedSecret {
  name: string;
  value: string;
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** HMAC-SHA256 hex signature, optionally prefixed ("sha256=…" for GitHub and generic). */
export function signBody(secret: string, body: Uint8Array, prefix = ""): string {
  return prefix + crypto.createHmac("sha256", secret).update(body).digest("hex");
}

/** The secrets whose HMAC-SHA256 of `body` equals the hex digest in `header` (after `prefix`). */
export function matchHmac(header: string | null, prefix: string, body: Uint8Array, secrets: NamedSecret[]): string[] {
  if (!header) return [];
  const h = header.trim();
  if (!h.toLowerCase().startsWith(prefix)) return [];
  const hex = h.slice(prefix.length).toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) return [];
  const given = Buffer.from(hex, "hex");
  const out: string[] = [];
  for (const s of secrets) {
    const want = crypto.createHmac("sha256", s.value).update(body).digest();
    if (safeEqual(given, want)) out.push(s.name);
  }
  return out;
}

/** GitLab sends the secret itself as a token: compare digests so lengths do not leak either. */
export function matchToken(header: string | null, secrets: NamedSecret[]): string[] {
  if (!header) return [];
  const given = crypto.createHash("sha256").update(header).digest();
  return secrets.filter((s) => safeEqual(given, crypto.createHash("sha256").update(s.value).digest())).map((s) => s.name);
}
