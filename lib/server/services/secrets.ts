/**
 * Named secrets: git credentials, webhook secrets and SOPS age identities (`sops-age`),
 * encrypted at rest. Values go in, never come out through the API or UI; only the sync engine
 * (git auth, SOPS decryption) and the webhook verifier read them, through the functions below.
 */
import "server-only";
import crypto from "node:crypto";
import { z } from "zod";
import { ageKeyring, parseAgeIdentities, type Keyring } from "@/lib/engine/sops";
import { processSingleton } from "@/lib/server/runtime/singletons";
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
  await upsertSecretRow(name, type, encryptSecret(JSON.stringify(values)));
  await audit(who, "secret.put", name);
  return { name, type };
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
      out.push(...Object.values(JSON.parse(decryptSecret(row.ciphertext)) as Record<string, string>).filter((v) => v.length >= 4));
    } catch {
      /* unreadable: nothing to scrub */
    }
  }
  return out;
}
