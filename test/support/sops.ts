/**
 * Test helper: encrypts Syncline-shaped documents in the SOPS format (age recipients), with
 * the engine's own format code (lib/engine/sops/format.ts: path rules, ENC values, MAC), so what
 * it writes is what the decryptor reads. Checked by round-tripping and, through the same
 * decryptor, by the real files under test/fixtures/sops (made by the sops tool).
 */
import crypto from "node:crypto";
import { Encrypter, armor, generateIdentity, identityToRecipient } from "age-encryption";
import { stringify } from "yaml";
import { encryptedPathPredicate, encryptValue, MacHash, sealEnc, type EncryptionRules, type SopsScalar } from "@/lib/engine/sops/format";

export interface SopsEncryptOptions extends EncryptionRules {
  /** age recipients (age1… or age1pq1…) */
  recipients: string[];
  /** RFC 3339, default now */
  lastModified?: string;
  /** add stanzas for providers Syncline does not read (e.g. { pgp: [...] }) */
  extra?: Record<string, unknown>;
  /** a fixed data key (tests of re-encryption keep it random) */
  dataKey?: Uint8Array;
}

export async function newAgeIdentity(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** `doc` → the same document with its values encrypted by the rules and a `sops` block. */
export async function encryptSopsDocument(doc: Record<string, unknown>, opts: SopsEncryptOptions): Promise<Record<string, unknown>> {
  const key = opts.dataKey ?? crypto.randomBytes(32);
  const rules: EncryptionRules = {
    encryptedRegex: opts.encryptedRegex,
    unencryptedRegex: opts.unencryptedRegex,
    encryptedSuffix: opts.encryptedSuffix,
    unencryptedSuffix: opts.unencryptedSuffix,
    macOnlyEncrypted: opts.macOnlyEncrypted,
  };
  const encrypted = encryptedPathPredicate(rules);
  const mac = new MacHash(opts.macOnlyEncrypted === true);
  const walk = (node: unknown, path: string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, path));
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    if (typeof node !== "string" && typeof node !== "number" && typeof node !== "boolean") return node;
    const enc = encrypted(path);
    mac.add(node as SopsScalar, enc);
    return enc ? encryptValue(node, key, path) : node;
  };
  const out = walk(doc, []) as Record<string, unknown>;
  const lastModified = opts.lastModified ?? new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const age = [];
  for (const recipient of opts.recipients) {
    const e = new Encrypter();
    e.addRecipient(recipient);
    age.push({ recipient, enc: armor.encode(await e.encrypt(key)) });
  }
  const sops: Record<string, unknown> = { ...opts.extra, age, lastmodified: lastModified, mac: sealEnc(Buffer.from(mac.hex()), "str", key, lastModified) };
  if (rules.encryptedRegex) sops.encrypted_regex = rules.encryptedRegex;
  if (rules.unencryptedRegex) sops.unencrypted_regex = rules.unencryptedRegex;
  if (rules.encryptedSuffix) sops.encrypted_suffix = rules.encryptedSuffix;
  if (rules.unencryptedSuffix) sops.unencrypted_suffix = rules.unencryptedSuffix;
  if (rules.macOnlyEncrypted) sops.mac_only_encrypted = true;
  sops.version = "3.9.0";
  return { ...out, sops };
}

/** Documents → one YAML file ("---" between documents). */
export function sopsYaml(docs: readonly Record<string, unknown>[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");
}
