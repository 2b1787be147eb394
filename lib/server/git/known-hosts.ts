/**
 * Host keys: OpenSSH `known_hosts` text (plain names, `[host]:port`, hashed `|1|salt|hash`
 * entries, comma lists, `*`/`?` patterns and `!` negation, `@revoked`; `@cert-authority` lines
 * are skipped: certificates are not accepted) and Syncline's trusted host keys, checked against
 * the key a server presents. Nothing here ever accepts a key it was not told about.
 */
import crypto from "node:crypto";
import { knownHostsName } from "@/lib/engine/ssh-url";

export interface KnownHostKey {
  /** algorithm name from the line ("ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", …) */
  type: string;
  blob: Buffer;
  revoked: boolean;
  /** plain or hashed host patterns of the line */
  matches(name: string): boolean;
}

export const HOST_KEY_TYPES = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-rsa",
  "ssh-dss",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
];

/** "SHA256:<base64 without padding>", as `ssh-keygen -lf` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${crypto.createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The algorithm name a key blob starts with (an SSH string). */
export function blobType(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  const len = blob.readUInt32BE(0);
  if (len > 64 || 4 + len > blob.length) return "unknown";
  const t = blob.toString("latin1", 4, 4 + len);
  return /^[a-z0-9@.-]+$/.test(t) ? t : "unknown";
}

/** `<type> <base64>` → the key, or the reason it is not one (never quoting the input). */
export function parsePublicKey(text: string): { ok: true; type: string; blob: Buffer } | { ok: false; reason: string } {
  const parts = text.trim().split(/\s+/);
  if (parts.length < 2) return { ok: false, reason: 'a public key is "<type> <base64>", e.g. "ssh-ed25519 AAAA…"' };
  const [type, b64] = parts as [string, string];
  if (!HOST_KEY_TYPES.includes(type)) return { ok: false, reason: `unsupported key type (one of ${HOST_KEY_TYPES.slice(0, 5).join(", ")})` };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return { ok: false, reason: "the key is not base64" };
  const blob = Buffer.from(b64, "base64");
  if (blobType(blob) !== type) return { ok: false, reason: "the key's data does not match its type" };
  return { ok: true, type, blob };
}

/** Parses known_hosts text; `problems` name the line and reason (never its content). */
export function parseKnownHosts(text: string): { keys: KnownHostKey[]; problems: string[] } {
  const keys: KnownHostKey[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    let fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]!.startsWith("@")) {
      if (fields[0] === "@cert-authority") return;
      if (fields[0] !== "@revoked") {
        problems.push(`line ${i + 1}: unknown marker`);
        return;
      }
      revoked = true;
      fields = fields.slice(1);
    }
    if (fields.length < 3) {
      problems.push(`line ${i + 1}: expected "<hosts> <type> <base64 key>"`);
      return;
    }
    const key = parsePublicKey(`${fields[1]} ${fields[2]}`);
    if (!key.ok) {
      problems.push(`line ${i + 1}: ${key.reason}`);
      return;
    }
    const hosts = fields[0]!;
    const matches = hosts.startsWith("|1|") ? hashedMatcher(hosts) : patternMatcher(hosts);
    if (!matches) {
      problems.push(`line ${i + 1}: the hashed host entry is not valid`);
      return;
    }
    keys.push({ type: key.type, blob: key.blob, revoked, matches });
  });
  return { keys, problems };
}

function hashedMatcher(field: string): ((name: string) => boolean) | undefined {
  const m = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(field);
  if (!m) return undefined;
  const salt = Buffer.from(m[1]!, "base64");
  const hash = Buffer.from(m[2]!, "base64");
  if (salt.length !== 20 || hash.length !== 20) return undefined;
  return (name) => crypto.timingSafeEqual(crypto.createHmac("sha1", salt).update(name).digest(), hash);
}

function patternMatcher(field: string): (name: string) => boolean {
  const pats = field.split(",").filter(Boolean);
  const toRe = (p: string) =>
    new RegExp(
      `^${p
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
      "i",
    );
  const positive = pats.filter((p) => !p.startsWith("!")).map(toRe);
  const negative = pats.filter((p) => p.startsWith("!")).map((p) => toRe(p.slice(1)));
  return (name) => !negative.some((r) => r.test(name)) && positive.some((r) => r.test(name));
}

/** A trusted host key row as a known key for exactly `host` and `port`. */
export function trustedAsKnown(t: { host: string; port: number; key: string }): KnownHostKey | undefined {
  const k = parsePublicKey(t.key);
  if (!k.ok) return undefined;
  const name = knownHostsName(t.host.toLowerCase(), t.port);
  return { type: k.type, blob: k.blob, revoked: false, matches: (n) => n === name };
}

export type HostKeyVerdict =
  | { ok: true }
  | { ok: false; code: "SSH_HOST_KEY_UNKNOWN"; fingerprint: string; type: string }
  | { ok: false; code: "SSH_HOST_KEY_MISMATCH"; fingerprint: string; type: string; expected: string[] }
  | { ok: false; code: "SSH_HOST_KEY_REVOKED"; fingerprint: string; type: string };

/** Decides a presented key: trusted when a known key for the endpoint equals it; a known endpoint with other keys is a mismatch. */
export function verifyHostKey(keys: KnownHostKey[], host: string, port: number, presented: Buffer): HostKeyVerdict {
  const name = knownHostsName(host.toLowerCase(), port);
  const forHost = keys.filter((k) => k.matches(name));
  const fp = fingerprint(presented);
  const type = blobType(presented);
  if (forHost.some((k) => k.revoked && k.blob.equals(presented))) return { ok: false, code: "SSH_HOST_KEY_REVOKED", fingerprint: fp, type };
  if (forHost.some((k) => !k.revoked && k.blob.equals(presented))) return { ok: true };
  const expected = forHost.filter((k) => !k.revoked);
  if (expected.length > 0)
    return { ok: false, code: "SSH_HOST_KEY_MISMATCH", fingerprint: fp, type, expected: [...new Set(expected.map((k) => fingerprint(k.blob)))] };
  return { ok: false, code: "SSH_HOST_KEY_UNKNOWN", fingerprint: fp, type };
}

/** Key types known for the endpoint, so the server is asked for one of those first (as OpenSSH does). */
export function knownTypesFor(keys: KnownHostKey[], host: string, port: number): string[] {
  const name = knownHostsName(host.toLowerCase(), port);
  return [...new Set(keys.filter((k) => !k.revoked && k.matches(name)).map((k) => k.type))];
}
