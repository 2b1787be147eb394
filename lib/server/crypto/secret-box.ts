/**
 * AES-256-GCM for secrets at rest. The key comes from SYNCLINE_SECRET_KEY or is generated
 * once into <dataDir>/secret.key (mode 0600). Replicas sharing PostgreSQL must share the key,
 * so they must set SYNCLINE_SECRET_KEY.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { ensurePrivateDir } from "@/lib/server/private-dir";

let cachedKey: Buffer | undefined;

export function getMasterKey(): Buffer {
  if (cachedKey) return cachedKey;
  const env = getEnv();
  if (env.SYNCLINE_SECRET_KEY) {
    cachedKey = Buffer.from(env.SYNCLINE_SECRET_KEY, "hex");
    return cachedKey;
  }
  const file = path.join(env.dataDir, "secret.key");
  ensurePrivateDir(env.dataDir);
  try {
    fs.writeFileSync(file, crypto.randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  cachedKey = Buffer.from(fs.readFileSync(file, "utf8").trim(), "hex");
  return cachedKey;
}

export function resetMasterKeyForTests(): void {
  cachedKey = undefined;
}

/** Derives an independent sub-key (auth secret, fingerprints) so one key never serves two uses. */
export function deriveKey(purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", getMasterKey(), Buffer.alloc(0), `syncline:${purpose}`, 32));
}

export function encryptSecret(plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", getMasterKey(), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(":");
}

export function decryptSecret(sealed: string): string {
  const [version, iv, tag, body] = sealed.split(":");
  if (version !== "v1" || !iv || !tag || !body) throw new Error("unreadable secret envelope");
  const decipher = crypto.createDecipheriv("aes-256-gcm", getMasterKey(), Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}

/**
 * Keyed fingerprint for masking: same value (and salt) → same mask, without a guessable plain
 * hash. `salt` (the resource and path, views/secret-mask.ts) keeps equal values in two places
 * from masking equally, so a mask cannot be matched against a value an attacker controls
 * elsewhere. Salt and value are one JSON array, so no two (salt, value) pairs share an input.
 */
export function fingerprint(value: string, salt?: readonly string[]): string {
  const hmac = crypto.createHmac("sha256", deriveKey("fingerprint"));
  return hmac.update(salt ? JSON.stringify([...salt, value]) : value).digest("hex");
}
