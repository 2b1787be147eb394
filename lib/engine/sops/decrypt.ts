/**
 * Decrypts one parsed document that carries a top-level `sops` block (sops's own format, age
 * recipients only), verifying the MAC every time. Pure apart from crypto: the caller gives the
 * identities (a Keyring), the document comes from the parser and is not modified.
 *
 * Order: the provider check (a file for PGP/KMS/… only fails with "provider pgp is not
 * supported; add an age recipient") → the data key from the `sops.age` stanzas (age X25519 and
 * the post-quantum hybrid `age1pq1…`) → each value decrypted with its tree path as additional
 * data → the MAC over the cleartext values compared with `sops.mac` (decrypted with
 * `sops.lastmodified` as additional data). Any failure is a SopsError naming its code; the
 * caller fails that document only.
 */
import { Decrypter, armor, identityToRecipient } from "age-encryption";
import { nativeX25519FileKey, nativeX25519Identity, openAgePayload, splitAgeFile, type NativeX25519Identity } from "./age-native";
import { getOwn, isPlainObject, setOwn, type PlainObject } from "../plain-object";
import {
  additionalData,
  encryptedPathPredicate,
  isEncString,
  MacHash,
  openEnc,
  parseEnc,
  SopsError,
  typedValue,
  type EncryptionRules,
  type PathPredicate,
  type SopsScalar,
} from "./format";

/** sops key sources Syncline does not read: a file only for these fails with their names */
export const UNSUPPORTED_PROVIDERS = ["pgp", "kms", "gcp_kms", "azure_kv", "hc_vault"] as const;

/** Unwraps a file's data key from one age stanza (`enc`, an armored age file); null when no identity matches. */
export interface Keyring {
  unwrap(enc: string): Promise<Uint8Array | null>;
}

export interface DecryptedDocument {
  /** the document without its `sops` block, values decrypted */
  value: PlainObject;
  /** JSON pointers (from the document root) of every value that was encrypted */
  paths: string[];
}

/** true when the parsed value is a document with a top-level `sops` block */
export function isSopsDocument(value: unknown): value is PlainObject {
  return isPlainObject(value) && isPlainObject(getOwn(value, "sops"));
}

/**
 * Identity lines ("AGE-SECRET-KEY-1…" or "AGE-SECRET-KEY-PQ-1…", one a line, "#" comments and
 * blank lines allowed) → the identities, each checked by deriving its recipient. Errors name
 * the line, never its content.
 */
export async function parseAgeIdentities(text: string): Promise<{ identities: string[]; recipients: string[] } | { error: string }> {
  const identities: string[] = [];
  const recipients: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (!/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(line)) return { error: `line ${i + 1} is not an age identity (AGE-SECRET-KEY-1… or AGE-SECRET-KEY-PQ-1…)` };
    try {
      recipients.push(await identityToRecipient(line));
    } catch {
      return { error: `line ${i + 1} is not a valid age identity (bad checksum or length)` };
    }
    identities.push(line);
  }
  if (identities.length === 0) return { error: "no age identity found (one AGE-SECRET-KEY-1… line or more)" };
  return { identities, recipients };
}

/** A keyring over these identities; unwrapped data keys are kept by stanza (at most `max`). */
export function ageKeyring(identities: readonly string[], max = 50_000): Keyring {
  const decrypter = new Decrypter();
  // X25519 on Node's native crypto; post-quantum hybrid identities (and any other stanza) through age-encryption
  const native: NativeX25519Identity[] = [];
  for (const id of identities) {
    if (id.startsWith("AGE-SECRET-KEY-1")) {
      const n = nativeX25519Identity(id);
      native.push(n);
      decrypter.addIdentity(n);
    } else decrypter.addIdentity(id);
  }
  const memo = new Map<string, Promise<Uint8Array | null>>();
  return {
    unwrap(enc: string) {
      let p = memo.get(enc);
      if (!p) {
        p = (async () => {
          let file: Uint8Array;
          try {
            file = armor.decode(enc);
          } catch {
            throw new SopsError("SOPS_MALFORMED", "an age stanza's enc is not an armored age file");
          }
          const parts = splitAgeFile(file);
          if (!parts) throw new SopsError("SOPS_MALFORMED", "an age stanza's enc has no age header");
          let fileKey: Uint8Array;
          const fast = nativeX25519FileKey(file, native); // X25519-only files: header, stanzas and header MAC natively
          if (fast === null) return null;
          if (fast) fileKey = fast;
          else {
            try {
              fileKey = await decrypter.decryptHeader(parts.header); // stanzas and the header MAC
            } catch {
              return null; // no identity matched (or a stanza for another key): try the next stanza
            }
          }
          try {
            return new Uint8Array(openAgePayload(fileKey, parts.payload));
          } catch {
            throw new SopsError("SOPS_MALFORMED", "an age stanza's enc payload does not open with its file key");
          }
        })();
        memo.set(enc, p);
        if (memo.size > max) memo.delete(memo.keys().next().value as string);
      }
      return p;
    },
  };
}

/** `sops` block → the rules that decide which values are encrypted, and the MAC mode. */
export function rulesOf(sops: PlainObject): EncryptionRules {
  const str = (k: string): string | undefined => {
    const v = getOwn(sops, k);
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string") throw new SopsError("SOPS_MALFORMED", `sops.${k} must be a string`);
    return v;
  };
  return {
    unencryptedSuffix: str("unencrypted_suffix"),
    encryptedSuffix: str("encrypted_suffix"),
    unencryptedRegex: str("unencrypted_regex"),
    encryptedRegex: str("encrypted_regex"),
    macOnlyEncrypted: getOwn(sops, "mac_only_encrypted") === true,
  };
}

/** The file's data key, from the first `sops.age` stanza one of the keyring's identities opens. */
export async function dataKeyOf(sops: PlainObject, keyring: Keyring | undefined): Promise<Uint8Array> {
  const groups = getOwn(sops, "key_groups");
  if (Array.isArray(groups) && groups.length > 0) {
    throw new SopsError("SOPS_UNSUPPORTED_PROVIDER", "sops.key_groups (Shamir secret sharing) is not supported; list age recipients directly");
  }
  const unsupported = UNSUPPORTED_PROVIDERS.filter((p) => {
    const v = getOwn(sops, p);
    return Array.isArray(v) && v.length > 0;
  });
  const unsupportedText = unsupported.length === 1 ? `provider ${unsupported[0]} is not supported` : `providers ${unsupported.join(", ")} are not supported`;
  const rawAge = getOwn(sops, "age");
  const age = Array.isArray(rawAge) ? rawAge : [];
  if (rawAge !== undefined && rawAge !== null && !Array.isArray(rawAge)) throw new SopsError("SOPS_MALFORMED", "sops.age must be a list of recipients");
  if (age.length === 0) {
    if (unsupported.length > 0) throw new SopsError("SOPS_UNSUPPORTED_PROVIDER", `${unsupportedText}; add an age recipient`);
    throw new SopsError("SOPS_MALFORMED", "the sops block lists no age recipient");
  }
  if (!keyring) throw new SopsError("SOPS_NOT_CONFIGURED", "the document is SOPS-encrypted but the definition sets no spec.gitops.decryption");
  const recipients: string[] = [];
  for (const [i, stanza] of age.entries()) {
    const enc = isPlainObject(stanza) ? getOwn(stanza, "enc") : undefined;
    const recipient = isPlainObject(stanza) ? getOwn(stanza, "recipient") : undefined;
    if (typeof enc !== "string") throw new SopsError("SOPS_MALFORMED", `sops.age[${i}].enc must be an armored age file`);
    if (typeof recipient === "string") recipients.push(recipient.length > 24 ? `${recipient.slice(0, 16)}…${recipient.slice(-6)}` : recipient);
    const key = await keyring.unwrap(enc);
    if (key) {
      if (key.length !== 32) throw new SopsError("SOPS_MALFORMED", `sops.age[${i}] holds a ${key.length}-byte data key, not 32 bytes`);
      return key;
    }
  }
  const also = unsupported.length > 0 ? `; ${unsupportedText}` : "";
  throw new SopsError(
    "SOPS_NO_MATCHING_KEY",
    `no identity in the decryption secret opens the file's age recipients (${recipients.join(", ") || "unnamed"})${also}`,
  );
}

/** Decrypts a document (see the file comment); throws SopsError. */
export async function decryptSopsDocument(doc: PlainObject, keyring: Keyring | undefined): Promise<DecryptedDocument> {
  const sops = getOwn(doc, "sops");
  if (!isPlainObject(sops)) throw new SopsError("SOPS_MALFORMED", "the sops block must be a map");
  const rules = rulesOf(sops);
  const key = await dataKeyOf(sops, keyring);
  const lastModified = getOwn(sops, "lastmodified");
  if (typeof lastModified !== "string" || lastModified === "") throw new SopsError("SOPS_MALFORMED", "sops.lastmodified is missing");
  const macText = getOwn(sops, "mac");
  const macEnc = typeof macText === "string" ? parseEnc(macText) : undefined;
  if (!macEnc) throw new SopsError("SOPS_MAC_MISMATCH", "sops.mac is missing or not an ENC[AES256_GCM,…] value: the file cannot be verified");

  const walker = new Walker(key, encryptedPathPredicate(rules), new MacHash(rules.macOnlyEncrypted === true));
  const value: PlainObject = {};
  for (const k of Object.keys(doc)) {
    if (k === "sops") continue;
    setOwn(value, k, walker.walk(doc[k], [k], `/${escape(k)}`));
  }
  const expected = openEnc(macEnc, key, lastModified, "sops.mac").toString("utf8");
  if (expected.toUpperCase() !== walker.mac.hex()) {
    throw new SopsError("SOPS_MAC_MISMATCH", "sops.mac does not match the values: a value or sops.lastmodified was changed after encryption");
  }
  return { value, paths: walker.paths };
}

class Walker {
  readonly paths: string[] = [];
  constructor(
    private readonly key: Uint8Array,
    private readonly encrypted: PathPredicate,
    readonly mac: MacHash,
  ) {}

  walk(node: unknown, path: string[], pointer: string): unknown {
    if (Array.isArray(node)) return node.map((item, i) => this.walk(item, path, `${pointer}/${i}`)); // items share their list's path
    if (isPlainObject(node)) {
      const out: PlainObject = {};
      for (const k of Object.keys(node)) setOwn(out, k, this.walk(node[k], [...path, k], `${pointer}/${escape(k)}`));
      return out;
    }
    if (node === null || node === undefined) return node;
    if (typeof node !== "string" && typeof node !== "number" && typeof node !== "boolean") return node;
    const encrypted = this.encrypted(path);
    if (!encrypted) {
      this.mac.add(node, false);
      return node;
    }
    const where = path.join(".");
    let value: SopsScalar;
    if (node === "") {
      value = ""; // sops leaves empty strings as they are
    } else {
      if (!isEncString(node)) throw new SopsError("SOPS_MALFORMED", `${where} should be encrypted by the file's rules but holds a plain value`);
      const enc = parseEnc(node);
      if (!enc) throw new SopsError("SOPS_MALFORMED", `${where} is not a well-formed ENC[AES256_GCM,data:…,iv:…,tag:…,type:…] value`);
      value = typedValue(openEnc(enc, this.key, additionalData(path), where), enc.type, where);
    }
    this.mac.add(value, true);
    this.paths.push(pointer);
    return value;
  }
}

function escape(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}
