/**
 * Named secrets: git credentials and webhook secrets, encrypted at rest. Values go in,
 * never come out through the API or UI; only the sync engine (git auth) and the webhook
 * verifier read them, through the functions below.
 */
import "server-only";
import { z } from "zod";
import { decryptSecret, encryptSecret } from "@/lib/server/crypto/secret-box";
import { deleteSecretRow, findSecretRow, getSecretNames, upsertSecretRow } from "@/lib/server/data/secrets";
import { AppError, notFound } from "@/lib/server/errors";
import { audit } from "@/lib/server/services/audit";
import type { Principal } from "@/lib/server/auth/principal";

export const secretInputSchema = z.discriminatedUnion("type", [
  z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/), type: z.literal("git-basic"), username: z.string().min(1), password: z.string().min(1) }),
  z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/), type: z.literal("git-token"), token: z.string().min(1), username: z.string().optional() }),
  z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/), type: z.literal("webhook"), secret: z.string().min(8) }),
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
