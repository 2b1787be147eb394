/**
 * Shared pieces of the hardening suite: a definition builder, an admin principal, a run
 * helper, and a scan that finds a secret anywhere a user could see or read it back.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createUser } from "@/lib/server/services/users";
import { addDefinition } from "@/lib/server/services/definitions";
import { definitionBody } from "@/test/support/definition-body";
import { startSync } from "@/lib/server/services/sync";
import { getDb } from "@/lib/server/db";
import type { Principal } from "@/lib/server/auth/principal";
import type { RunRow } from "@/lib/server/data/runs";

export const widgetSchema = {
  type: "object",
  required: ["replicas"],
  properties: { replicas: { type: "integer" }, image: { type: "string" } },
};

export async function makeAdmin(username = "admin"): Promise<Principal> {
  const u = await createUser({ username, password: "correct horse battery", role: "admin" });
  return { via: "session", userId: u.id, username, role: "admin" };
}

export interface DefOptions {
  name: string;
  kind: string;
  repoURL: string;
  path?: string;
  branch?: string;
  secretName?: string;
  schema?: Record<string, unknown>;
  secretPaths?: string[];
  syncPolicy?: Record<string, boolean>;
  scope?: "Namespaced" | "Cluster";
}

export async function defineWidgets(o: DefOptions, who: Principal) {
  return addDefinition(definitionBody({ ...o, group: o.name.split(".").slice(1).join(".") || "example.io", schema: o.schema ?? widgetSchema }), who);
}

export async function syncNow(definition: string, who: Principal, o: { dryRun?: boolean; revision?: string; prune?: boolean } = {}): Promise<RunRow> {
  const { done } = await startSync({ definition, trigger: "api", who, ...o });
  return done;
}

export function widget(ns: string, name: string, spec: Record<string, unknown>, kind = "Widget"): string {
  return JSON.stringify({ kind, metadata: { name, namespace: ns }, spec }, null, 2);
}

/** Everything the store holds about runs, resources, definitions, audit and notifications, as one text. */
export async function dumpStore(): Promise<string> {
  const db = await getDb();
  const [runs, changes, resources, defs, audit, notifications] = await Promise.all([
    db.syncRun.findMany(),
    db.syncRunChange.findMany(),
    db.resource.findMany(),
    db.resourceDefinition.findMany(),
    db.auditEvent.findMany().catch(() => []),
    db.notificationDelivery.findMany().catch(() => []),
  ]);
  return JSON.stringify({ runs, changes, resources, defs, audit, notifications });
}

/** `pg_dump --data-only` of a PostgreSQL store (every table, as a database dump would show it). */
export function pgDump(databaseUrl: string): string {
  return execFileSync("pg_dump", ["--data-only", "--inserts", databaseUrl], { encoding: "utf8", maxBuffer: 256 << 20 });
}

/** All regular files under `dir` whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const out: string[] = [];
  const want = Buffer.from(needle);
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.readFileSync(p).includes(want)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** All files under `dir` (relative paths). */
export function listFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

export function logOf(run: RunRow): string {
  return ((run.log ?? []) as string[]).join("\n");
}
