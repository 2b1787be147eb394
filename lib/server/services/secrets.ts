/**
 * Named secrets: git credentials, webhook secrets and SOPS age identities (`sops-age`),
 * encrypted at rest. Values go in, never come out through the API or UI; only the sync engine
 * (git auth, SOPS decryption) and the webhook verifier read them, through the functions below.
 */
import "server-only";
import crypto from "node:crypto";
import ssh2 from "ssh2";
import { z } from "zod";
import { ageKeyring, parseAgeIdentities, type Keyring } from "@/lib/engine/sops";
import { processSingleton } from "@/lib/server/runtime/singletons";
import { parseKnownHosts } from "@/lib/server/git/known-hosts";

// ssh2 is CommonJS: its named exports are not visible to Node's own ESM loader (the bench, tsx)
const sshUtils = ssh2.utils;
import { decryptSecret, encryptSecret } from "@/lib/server/crypto/secret-box";
import { deleteSecretRow, findSecretRow, getSecretNames, upsertSecretRow } from "@/lib/server/data/secrets";
import { AppError, notFound } from "@/lib/server/errors";
import { audit } from "@/lib/server/services/audit";
import type { Principal } from "@/lib/server/auth/principal";

export const secretInputSchema = z.discriminatedUnion("type", [
  z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/), type: z.literal("git-basic"), username: z.string().min(1), password: z.string().min(1) }),
  z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/), type: z.literal("git-token"), token: z.string().min(1), username: z.string().optional() }),
  z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/), type: z.literal("webhook"), secret: z.string().min(8) }),
  z.object({
    name: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/),
    type: z.literal("sops-age"),
    identities: z
      .string()
      .min(1)
      .max(64 * 1024),
  }),
  z.strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/),
    type: z.literal("git-ssh"),
    privateKey: z.string().min(1).max(16_384),
    passphrase: z.string().max(1024).optional(),
    knownHosts: z
      .string()
      .max(256 * 1024)
      .optional(),
  }),
]);
export type SecretInput = z.infer<typeof secretInputSchema>;

export async function putSecret(input: unknown, who: Principal): Promise<{ name: string; type: string }> {
  const parsed = secretInputSchema.safeParse(input);
  if (!parsed.success) {
    // Never echo the submitted values back: name the fields only.
    const details = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new AppError("VALIDATION_FAILED", `invalid secret: ${details.map((d) => d.path || "(root)").join(", ")}`, details);
  }
  const { name, type, ...values } = parsed.data;
  if (parsed.data.type === "sops-age") {
    const ids = await parseAgeIdentities(parsed.data.identities);
    // names the line, never its content
    if ("error" in ids) throw new AppError("VALIDATION_FAILED", `invalid secret: identities: ${ids.error}`, [{ path: "identities", message: ids.error }]);
  }
  const ssh = parsed.data.type === "git-ssh" ? checkSshSecret(parsed.data) : undefined;
  if (parsed.data.type === "git-ssh" && !parsed.data.passphrase) delete (values as { passphrase?: string }).passphrase;
  await upsertSecretRow(name, type, encryptSecret(JSON.stringify(values)));
  await audit(who, "secret.put", name);
  // the public half only, to the admin who just saved it (to register it as a deploy key)
  return ssh ? { name, type, ...ssh } : { name, type };
}

/**
 * A git-ssh secret is checked before it is stored: the key must be an ed25519, ECDSA or RSA
 * private key (OpenSSH or PEM) that opens with the passphrase given, and knownHosts must parse.
 * Errors name the field and the reason, never any part of the key.
 */
function checkSshSecret(s: { privateKey: string; passphrase?: string; knownHosts?: string }): { publicKey: string; fingerprint: string } {
  const invalid = (path: string, message: string): never => {
    throw new AppError("VALIDATION_FAILED", `invalid secret: ${path}: ${message}`, [{ path, message }]);
  };
  const text = s.privateKey.replace(/\r\n/g, "\n").trim() + "\n";
  if (!/-----BEGIN (OPENSSH|RSA|EC|DSA|ENCRYPTED)? ?PRIVATE KEY-----/.test(text)) {
    invalid("privateKey", "not a private key: paste the whole file, from -----BEGIN … PRIVATE KEY----- to its END line (the .pub file is the public key)");
  }
  let key: ReturnType<typeof sshUtils.parseKey>;
  try {
    key = sshUtils.parseKey(text, s.passphrase || undefined);
  } catch {
    key = new Error("unreadable");
  }
  const parsed = Array.isArray(key) ? key[0] : key;
  if (!parsed || parsed instanceof Error) {
    const m = parsed instanceof Error ? parsed.message : "";
    if (/no passphrase|encrypted/i.test(m) && !s.passphrase) invalid("passphrase", "the private key is encrypted: give its passphrase");
    if (s.passphrase && /decrypt|passphrase|bad|integrity|check/i.test(m)) invalid("passphrase", "the passphrase does not open the private key");
    invalid("privateKey", "the private key cannot be read (ed25519, ECDSA or RSA, OpenSSH or PEM format)");
  }
  const k = parsed as Exclude<typeof parsed, Error | undefined>;
  if (!k.isPrivateKey()) invalid("privateKey", "this is a public key: give the private key");
  if (!/^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa)$/.test(k.type)) invalid("privateKey", "unsupported key type (ed25519, ECDSA or RSA)");
  if (s.knownHosts) {
    const { problems } = parseKnownHosts(s.knownHosts);
    if (problems.length > 0) invalid("knownHosts", problems.slice(0, 5).join("; "));
  }
  const blob = k.getPublicSSH();
  return {
    publicKey: `${k.type} ${blob.toString("base64")}`,
    fingerprint: `SHA256:${crypto.createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`,
  };
}

export async function listSecrets() {
  return getSecretNames();
}

export async function removeSecret(name: string, who: Principal): Promise<void> {
  if (!(await deleteSecretRow(name))) throw notFound(`secret ${name}`);
  await audit(who, "secret.delete", name);
}

async function readSecret(name: string): Promise<{ type: string; values: Record<string, string> }> {
  const row = await findSecretRow(name);
  if (!row) throw new AppError("SOURCE_ERROR", `secret ${name} not found`);
  return { type: row.type, values: JSON.parse(decryptSecret(row.ciphertext)) as Record<string, string> };
}

/** The key (and known_hosts) of a git-ssh secret, for the SSH transport only. */
export async function getSshCredentials(name: string): Promise<{ privateKey: string; passphrase?: string; knownHosts?: string }> {
  const s = await readSecret(name);
  if (s.type !== "git-ssh")
    throw new AppError("SOURCE_ERROR", `secret ${name} is a ${s.type} secret: an SSH repository needs a git-ssh secret (a private key)`);
  return { privateKey: s.values.privateKey ?? "", passphrase: s.values.passphrase, knownHosts: s.values.knownHosts };
}

/** Git credentials for onAuth. A token secret authenticates as its username (default "x-access-token"). */
export async function getGitAuth(name: string): Promise<{ username: string; password: string }> {
  const s = await readSecret(name);
  if (s.type === "git-basic") return { username: s.values.username ?? "", password: s.values.password ?? "" };
  if (s.type === "git-token") return { username: s.values.username || "x-access-token", password: s.values.token ?? "" };
  throw new AppError("SOURCE_ERROR", `secret ${name} is a ${s.type} secret, not git credentials`);
}

export async function getWebhookSecret(name: string): Promise<string | null> {
  const row = await findSecretRow(name);
  if (!row || row.type !== "webhook") return null;
  return (JSON.parse(decryptSecret(row.ciphertext)) as { secret?: string }).secret ?? null;
}

/** The SOPS keyring of a `sops-age` secret, kept per identity set (rotation: a changed secret is a new keyring). */
const keyrings = processSingleton("sops-keyrings", () => new Map<string, Keyring>());

export async function getSopsKeyring(name: string): Promise<{ keyring: Keyring; id: string } | { error: string }> {
  const row = await findSecretRow(name);
  if (!row) return { error: `decryption secret ${name} not found` };
  if (row.type !== "sops-age") return { error: `decryption secret ${name} is a ${row.type} secret, not sops-age` };
  const text = (JSON.parse(decryptSecret(row.ciphertext)) as { identities?: string }).identities ?? "";
  const ids = await parseAgeIdentities(text);
  if ("error" in ids) return { error: `decryption secret ${name}: ${ids.error}` };
  const id = crypto.createHash("sha256").update(ids.identities.join("\n")).digest("hex");
  let keyring = keyrings.get(id);
  if (!keyring) {
    if (keyrings.size >= 32) keyrings.clear();
    keyrings.set(id, (keyring = ageKeyring(ids.identities)));
  }
  return { keyring, id };
}

/**
 * true when the definition's decryption secret changed after `since` (key rotation): the next
 * sync or refresh plans again even at the same commit, so documents decrypt with the new keys.
 */
export async function decryptionKeysChangedSince(decryption: { secretName: string } | undefined, since: Date | null | undefined): Promise<boolean> {
  if (!decryption) return false;
  const row = await findSecretRow(decryption.secretName);
  return !row || !since || row.updatedAt > since;
}

/** The type of a named secret, or null (definitions check their decryption secret at save). */
export async function secretType(name: string): Promise<string | null> {
  return (await findSecretRow(name))?.type ?? null;
}

/** Every secret value we hold, for scrubbing error texts and logs. */
export async function knownSecretValues(names: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const n of names) {
    const row = await findSecretRow(n);
    if (!row) continue;
    try {
      const values = JSON.parse(decryptSecret(row.ciphertext)) as Record<string, string>;
      out.push(...Object.values(values).filter((v) => v.length >= 4));
      if (row.type === "git-ssh") out.push(...sshScrubValues(values));
    } catch {
      /* unreadable: nothing to scrub */
    }
  }
  return out;
}

/**
 * What of a git-ssh secret could leak in pieces: each line of the private key's body (a log
 * may quote one line), the passphrase, and the client key's public form and fingerprint (the
 * issue: not even the client key's fingerprint appears in outputs other than the secret's save).
 */
function sshScrubValues(values: Record<string, string>): string[] {
  const out: string[] = [];
  for (const line of (values.privateKey ?? "").split(/\r?\n/)) {
    const t = line.trim();
    if (t.length >= 16 && !t.startsWith("-----")) out.push(t);
  }
  try {
    const k = sshUtils.parseKey(values.privateKey ?? "", values.passphrase || undefined);
    const parsed = Array.isArray(k) ? k[0] : k;
    if (parsed && !(parsed instanceof Error)) {
      const blob = parsed.getPublicSSH();
      const fp = crypto.createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
      out.push(blob.toString("base64"), `SHA256:${fp}`, fp);
    }
  } catch {
    /* unreadable: the lines above are scrubbed */
  }
  return out;
}
