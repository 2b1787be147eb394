/**
 * Syncline's trusted SSH host keys (admin): the keys a fetch over SSH accepts, besides a
 * git-ssh secret's knownHosts. Adding is either a key as known_hosts writes it, or a fingerprint
 * the admin confirmed: the host is then scanned and its key kept only when its fingerprint is
 * exactly that one ("Trust this key" and `syncline known-host add --scan`). Every change is audited.
 */
import "server-only";
import net from "node:net";
import { z } from "zod";
import { deleteSshKnownHostRow, insertSshKnownHostRow, listSshKnownHostRows, type SshKnownHostRow } from "@/lib/server/data/ssh-known-hosts";
import { AppError, notFound } from "@/lib/server/errors";
import { audit } from "@/lib/server/services/audit";
import { blobType, fingerprint, parsePublicKey } from "@/lib/server/git/known-hosts";
import { scanHostKey } from "@/lib/server/git/ssh-transport";
import { isGitError, type TrustedHostKey } from "@/lib/server/git/git-client";
import { gitPolicyOptions } from "@/lib/server/services/git-source";
import type { Principal } from "@/lib/server/auth/principal";
import type { SshKnownHostView } from "@/lib/api/views";

const HOST = /^(?:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?|[0-9a-f:.]{2,45})$/;

export const knownHostInputSchema = z.strictObject({
  host: z
    .string()
    .transform((h) =>
      h
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]$/, "$1"),
    )
    .refine((h) => HOST.test(h) && !h.startsWith("-") && (!h.includes(":") || net.isIP(h) === 6), "host must be a host name or IP address"),
  port: z.number().int().min(1).max(65535).default(22),
  key: z.string().max(16_384).optional(),
  fingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, "fingerprint must be SHA256:<43 base64 characters>")
    .optional(),
});

function view(r: SshKnownHostRow): SshKnownHostView {
  return { ...r, createdAt: r.createdAt.toISOString() };
}

export async function listKnownHosts(): Promise<SshKnownHostView[]> {
  return (await listSshKnownHostRows()).map(view);
}

/** For the transport: every trusted key. */
export async function trustedHostKeys(): Promise<TrustedHostKey[]> {
  return (await listSshKnownHostRows()).map((r) => ({ host: r.host, port: r.port, key: r.key }));
}

export async function addKnownHost(input: unknown, who: Principal): Promise<SshKnownHostView> {
  const parsed = knownHostInputSchema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new AppError("VALIDATION_FAILED", `invalid SSH host key: ${details.map((d) => `${d.path || "(root)"}: ${d.message}`).join(", ")}`, details);
  }
  const { host, port, fingerprint: confirmed } = parsed.data;
  let key = parsed.data.key?.trim();
  if (!key && !confirmed)
    throw new AppError("VALIDATION_FAILED", 'invalid SSH host key: give key ("ssh-ed25519 AAAA…") or the fingerprint to trust', [
      { path: "key", message: "required" },
    ]);
  if (!key) {
    // trust what the host presents now, only if it is the fingerprint the admin confirmed
    let blob: Buffer;
    try {
      blob = await scanHostKey(host, port, gitPolicyOptions());
    } catch (err) {
      throw new AppError("SOURCE_ERROR", isGitError(err) ? err.message : `could not read the SSH host key of ${host}:${port}`);
    }
    if (fingerprint(blob) !== confirmed) {
      await audit(who, "ssh-known-host.add", `${host}:${port}`, "denied", { fingerprint: confirmed, presented: fingerprint(blob) });
      throw new AppError("CONFLICT", `${host}:${port} now presents ${fingerprint(blob)}, not the confirmed ${confirmed}: nothing was trusted`);
    }
    key = `${blobType(blob)} ${blob.toString("base64")}`;
  }
  // a known_hosts line ("host ssh-ed25519 AAAA…") is accepted too: the key is its last two fields
  const fields = key.split(/\s+/);
  const typeAt = fields.findIndex((f) => /^(ssh-|ecdsa-|sk-)/.test(f));
  const k = parsePublicKey(typeAt >= 0 ? fields.slice(typeAt, typeAt + 2).join(" ") : key);
  if (!k.ok) throw new AppError("VALIDATION_FAILED", `invalid SSH host key: key: ${k.reason}`, [{ path: "key", message: k.reason }]);
  const fp = fingerprint(k.blob);
  if (confirmed && confirmed !== fp)
    throw new AppError("VALIDATION_FAILED", `invalid SSH host key: the key's fingerprint is ${fp}, not ${confirmed}`, [
      { path: "fingerprint", message: "does not match the key" },
    ]);
  const row = await insertSshKnownHostRow({
    host,
    port,
    keyType: k.type,
    key: `${k.type} ${k.blob.toString("base64")}`,
    fingerprint: fp,
    addedBy: who.username,
  });
  await audit(who, "ssh-known-host.add", `${host}:${port}`, "ok", { keyType: k.type, fingerprint: fp });
  return view(row);
}

/** What `host:port` presents now (no authentication), for a person to compare before trusting it. Audited. */
export async function scanKnownHost(
  input: { host?: unknown; port?: unknown },
  who: Principal,
): Promise<{ host: string; port: number; keyType: string; key: string; fingerprint: string }> {
  const parsed = knownHostInputSchema
    .pick({ host: true, port: true })
    .safeParse({ host: input.host, port: input.port === undefined || input.port === null || input.port === "" ? undefined : Number(input.port) });
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new AppError("VALIDATION_FAILED", `invalid SSH host: ${details.map((d) => `${d.path}: ${d.message}`).join(", ")}`, details);
  }
  const { host, port } = parsed.data;
  let blob: Buffer;
  try {
    blob = await scanHostKey(host, port, gitPolicyOptions());
  } catch (err) {
    throw new AppError("SOURCE_ERROR", isGitError(err) ? err.message : `could not read the SSH host key of ${host}:${port}`);
  }
  const keyType = blobType(blob);
  await audit(who, "ssh-known-host.scan", `${host}:${port}`, "ok", { fingerprint: fingerprint(blob) });
  return { host, port, keyType, key: `${keyType} ${blob.toString("base64")}`, fingerprint: fingerprint(blob) };
}

export async function removeKnownHost(id: string, who: Principal): Promise<void> {
  const row = await deleteSshKnownHostRow(id);
  if (!row) throw notFound(`SSH host key ${id}`);
  await audit(who, "ssh-known-host.delete", `${row.host}:${row.port}`, "ok", { keyType: row.keyType, fingerprint: row.fingerprint });
}
