/**
 * The SOPS file format as far as Syncline reads it (and the test helper writes it), shared by
 * decryption and encryption so the two cannot drift apart:
 *
 * - a value is `ENC[AES256_GCM,data:<b64>,iv:<b64>,tag:<b64>,type:str|int|float|bool|bytes]`,
 *   AES-256-GCM under the file's data key with the value's tree path ("spec:db:password:", keys
 *   only: items of a list share their list's path) as additional data;
 * - which values are encrypted is decided per path by `encrypted_regex`, `unencrypted_regex`,
 *   `encrypted_suffix` or `unencrypted_suffix` (default: `unencrypted_suffix: _unencrypted`);
 * - the MAC is the upper-case hex SHA-512 over the cleartext of the values in document order
 *   (every value, or only the encrypted ones with `mac_only_encrypted`), itself stored as an
 *   ENC value with `sops.lastmodified` as additional data.
 *
 * Regular expressions are RE2 (as in Go's sops), matched linearly: a file cannot stall a sync.
 */
import crypto from "node:crypto";
import { RE2JS } from "re2js";

export const DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted";

/** sha256("sops"): the first bytes hashed when the MAC covers only encrypted values */
const MAC_ONLY_ENCRYPTED_INITIALIZATION = Buffer.from("8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69", "hex");

export type SopsScalar = string | number | boolean;
export type EncType = "str" | "int" | "float" | "bool" | "bytes";

/** The failure codes a document can get; the message after the code says what and where. */
export type SopsErrorCode = "SOPS_MAC_MISMATCH" | "SOPS_NO_MATCHING_KEY" | "SOPS_UNSUPPORTED_PROVIDER" | "SOPS_MALFORMED" | "SOPS_NOT_CONFIGURED";

export class SopsError extends Error {
  constructor(
    readonly code: SopsErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = "SopsError";
  }
}

export interface EncValue {
  data: Buffer;
  iv: Buffer;
  tag: Buffer;
  type: EncType;
  /** false when a base64 field is not the canonical encoding of its bytes (someone edited it) */
  canonical: boolean;
}

const ENC_RE = /^ENC\[AES256_GCM,data:([A-Za-z0-9+/=]*),iv:([A-Za-z0-9+/=]+),tag:([A-Za-z0-9+/=]+),type:(str|int|float|bool|bytes)\]$/;

export function isEncString(v: unknown): v is string {
  return typeof v === "string" && v.startsWith("ENC[");
}

/** `ENC[...]` → its parts; undefined when malformed. */
export function parseEnc(text: string): EncValue | undefined {
  const m = ENC_RE.exec(text);
  if (!m) return undefined;
  const iv = Buffer.from(m[2]!, "base64");
  const tag = Buffer.from(m[3]!, "base64");
  if (iv.length === 0 || tag.length !== 16) return undefined;
  const data = Buffer.from(m[1]!, "base64");
  const canonical = data.toString("base64") === m[1] && iv.toString("base64") === m[2] && tag.toString("base64") === m[3];
  return { data, iv, tag, type: m[4] as EncType, canonical };
}

/** The additional data of a value: its path's keys joined by ":" plus a trailing ":". */
export function additionalData(path: readonly string[]): string {
  return path.join(":") + ":";
}

/** Cleartext bytes as sops writes them for a value of this JavaScript type. */
export function plainBytes(value: SopsScalar): { bytes: Buffer; type: EncType } {
  if (typeof value === "string") return { bytes: Buffer.from(value, "utf8"), type: "str" };
  if (typeof value === "boolean") return { bytes: Buffer.from(value ? "true" : "false"), type: "bool" };
  if (Number.isInteger(value)) return { bytes: Buffer.from(String(value)), type: "int" };
  return { bytes: Buffer.from(formatFloat(value)), type: "float" };
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64) for the values JSON and YAML give us. */
function formatFloat(v: number): string {
  const s = String(v);
  if (!/e/i.test(s)) return s;
  return v.toLocaleString("en-US", { useGrouping: false, maximumFractionDigits: 20 });
}

/** Encrypts one value (the test helper and tooling; Syncline itself only decrypts). */
export function encryptValue(value: SopsScalar, key: Uint8Array, path: readonly string[], iv: Buffer = crypto.randomBytes(32)): string {
  if (value === "") return "";
  const { bytes, type } = plainBytes(value);
  return sealEnc(bytes, type, key, additionalData(path), iv);
}

export function sealEnc(bytes: Buffer, type: EncType, key: Uint8Array, aad: string, iv: Buffer = crypto.randomBytes(32)): string {
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const data = Buffer.concat([cipher.update(bytes), cipher.final()]);
  return `ENC[AES256_GCM,data:${data.toString("base64")},iv:${iv.toString("base64")},tag:${cipher.getAuthTag().toString("base64")},type:${type}]`;
}

/** Decrypts the bytes of an ENC value; throws SOPS_MAC_MISMATCH when its tag does not verify. */
export function openEnc(enc: EncValue, key: Uint8Array, aad: string, where: string): Buffer {
  if (!enc.canonical) throw new SopsError("SOPS_MAC_MISMATCH", `${where} was changed after encryption (its base64 is not what sops wrote)`);
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, enc.iv);
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(enc.tag);
    return Buffer.concat([decipher.update(enc.data), decipher.final()]);
  } catch {
    throw new SopsError("SOPS_MAC_MISMATCH", `${where} does not authenticate under the file's data key (changed after encryption)`);
  }
}

/** ENC bytes → the typed value. */
export function typedValue(bytes: Buffer, type: EncType, where: string): SopsScalar {
  const text = bytes.toString("utf8");
  switch (type) {
    case "str":
    case "bytes":
      return text;
    case "bool":
      if (text === "true" || text === "True") return true;
      if (text === "false" || text === "False") return false;
      break;
    case "int":
      if (/^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
      break;
    case "float": {
      const n = Number(text);
      if (text.trim() !== "" && Number.isFinite(n)) return n;
      break;
    }
  }
  throw new SopsError("SOPS_MALFORMED", `${where} is typed ${type} but does not hold one`);
}

/** The rules of one file (its `sops` block) that decide which paths are encrypted. */
export interface EncryptionRules {
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: string;
  encryptedRegex?: string;
  macOnlyEncrypted?: boolean;
}

export type PathPredicate = (path: readonly string[]) => boolean;

/** sops's rule order: each setting may turn the decision of the one before it. */
export function encryptedPathPredicate(rules: EncryptionRules): PathPredicate {
  const none = !rules.unencryptedSuffix && !rules.encryptedSuffix && !rules.unencryptedRegex && !rules.encryptedRegex;
  const unencryptedSuffix = none ? DEFAULT_UNENCRYPTED_SUFFIX : rules.unencryptedSuffix;
  const unencryptedRe = rules.unencryptedRegex ? compileRe(rules.unencryptedRegex, "unencrypted_regex") : undefined;
  const encryptedRe = rules.encryptedRegex ? compileRe(rules.encryptedRegex, "encrypted_regex") : undefined;
  return (path) => {
    let encrypted = true;
    if (unencryptedSuffix && path.some((p) => p.endsWith(unencryptedSuffix))) encrypted = false;
    if (rules.encryptedSuffix) encrypted = path.some((p) => p.endsWith(rules.encryptedSuffix!));
    if (unencryptedRe && path.some((p) => unencryptedRe.test(p))) encrypted = false;
    if (encryptedRe) encrypted = path.some((p) => encryptedRe.test(p));
    return encrypted;
  };
}

function compileRe(pattern: string, field: string): { test(s: string): boolean } {
  try {
    const re = RE2JS.compile(pattern);
    // Go's regexp.Match: a match anywhere in the key unless anchored
    return { test: (s) => re.matcher(s).find() };
  } catch (e) {
    throw new SopsError(
      "SOPS_MALFORMED",
      `sops.${field} ${JSON.stringify(pattern.slice(0, 100))} is not a valid RE2 expression (${(e as Error).message.slice(0, 120)})`,
    );
  }
}

/** The running SHA-512 of the MAC. */
export class MacHash {
  private readonly hash = crypto.createHash("sha512");
  constructor(readonly onlyEncrypted: boolean) {
    if (onlyEncrypted) this.hash.update(MAC_ONLY_ENCRYPTED_INITIALIZATION);
  }
  add(value: SopsScalar, encrypted: boolean): void {
    if (this.onlyEncrypted && !encrypted) return;
    this.hash.update(macBytes(value));
  }
  hex(): string {
    return this.hash.digest("hex").toUpperCase();
  }
}

/** sops's ToBytes: booleans as "True"/"False", numbers as Go formats them. */
function macBytes(value: SopsScalar): Buffer {
  if (typeof value === "boolean") return Buffer.from(value ? "True" : "False");
  return plainBytes(value).bytes;
}
