/**
 * Applies prisma/migrations/* /migration.sql in order, once each, on start — for PGlite and
 * PostgreSQL alike. We run them ourselves (not the Prisma CLI) because the CLI needs a
 * schema engine at run time; the SQL files are the one migration history Prisma generates.
 * Replicas on PostgreSQL serialise on an advisory lock so two starts never race.
 */
import fs from "node:fs";
import path from "node:path";

export interface SqlRunner {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

const MIGRATE_LOCK_ID = 727_001; // arbitrary, constant across releases

export function migrationsDir(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "migrations");
}

export async function applyMigrations(db: SqlRunner, opts: { advisoryLock: boolean; dir?: string }): Promise<string[]> {
  const dir = opts.dir ?? migrationsDir();
  const names = fs
    .readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(/*turbopackIgnore: true*/ path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
  if (opts.advisoryLock) await db.query("SELECT pg_advisory_lock($1)", [MIGRATE_LOCK_ID]);
  try {
    await db.exec(`CREATE TABLE IF NOT EXISTS "_syncline_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const done = new Set((await db.query<{ name: string }>(`SELECT "name" FROM "_syncline_migrations"`)).map((r) => r.name));
    const applied: string[] = [];
    for (const name of names) {
      if (done.has(name)) continue;
      const sql = fs.readFileSync(/*turbopackIgnore: true*/ path.join(dir, name, "migration.sql"), "utf8");
      try {
        await db.exec(`BEGIN;\n${sql}\n;INSERT INTO "_syncline_migrations" ("name") VALUES ('${name.replace(/'/g, "''")}');\nCOMMIT;`);
      } catch (err) {
        await db.exec("ROLLBACK").catch(() => undefined);
        throw new Error(`Migration ${name} failed: ${(err as Error).message}`);
      }
      applied.push(name);
    }
    return applied;
  } finally {
    if (opts.advisoryLock) await db.query("SELECT pg_advisory_unlock($1)", [MIGRATE_LOCK_ID]);
  }
}
