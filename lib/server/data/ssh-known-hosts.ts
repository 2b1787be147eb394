/** Query functions for Syncline's trusted SSH host keys. */
import "server-only";
import { getDb } from "@/lib/server/db";

export interface SshKnownHostRow {
  id: string;
  host: string;
  port: number;
  keyType: string;
  key: string;
  fingerprint: string;
  addedBy: string;
  createdAt: Date;
}

export async function listSshKnownHostRows(): Promise<SshKnownHostRow[]> {
  return (await getDb()).sshKnownHost.findMany({ orderBy: [{ host: "asc" }, { port: "asc" }, { createdAt: "asc" }] });
}

export async function insertSshKnownHostRow(r: Omit<SshKnownHostRow, "id" | "createdAt">): Promise<SshKnownHostRow> {
  const db = await getDb();
  const found = await db.sshKnownHost.findUnique({ where: { host_port_key: { host: r.host, port: r.port, key: r.key } } });
  return found ?? db.sshKnownHost.create({ data: r });
}

export async function deleteSshKnownHostRow(id: string): Promise<SshKnownHostRow | null> {
  const db = await getDb();
  const found = await db.sshKnownHost.findUnique({ where: { id } });
  if (!found) return null;
  await db.sshKnownHost.delete({ where: { id } });
  return found;
}
