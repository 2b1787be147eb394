/**
 * The Prisma singleton. No DATABASE_URL → embedded PGlite in <dataDir>/pglite (one process);
 * DATABASE_URL=postgres://… → PostgreSQL through @prisma/adapter-pg (many replicas).
 * Migrations are applied before the first query. Only this file and lib/server/data/ may
 * import Prisma (held by ESLint).
 */
import path from "node:path";
import { PrismaClient } from "@prisma/client";
import { getEnv } from "@/lib/env";
import { applyMigrations, type SqlRunner } from "@/lib/server/migrate";
import { lockDataDir } from "@/lib/server/data-dir-lock";

export type Db = PrismaClient;
export type DbKind = "pglite" | "postgres";

interface DbHandle {
  prisma: PrismaClient;
  kind: DbKind;
  close: () => Promise<void>;
}

const globalForDb = globalThis as unknown as { __synclineDb?: Promise<DbHandle> };

async function openPglite(dataDir: string): Promise<DbHandle> {
  const release = lockDataDir(dataDir);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    const pg = new PGlite(path.join(dataDir, "pglite"));
    await pg.waitReady;
    const runner: SqlRunner = {
      exec: async (sql) => void (await pg.exec(sql)),
      query: async (sql, params) => (await pg.query(sql, params)).rows as never[],
    };
    await applyMigrations(runner, { advisoryLock: false });
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pg) });
    return {
      prisma,
      kind: "pglite",
      close: async () => {
        await prisma.$disconnect();
        await pg.close();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

async function openPostgres(url: string): Promise<DbHandle> {
  const pg = await import("pg");
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const client = new pg.default.Client({ connectionString: url });
  await client.connect();
  try {
    const runner: SqlRunner = {
      exec: async (sql) => void (await client.query(sql)),
      query: async (sql, params) => (await client.query(sql, params as unknown[])).rows as never[],
    };
    await applyMigrations(runner, { advisoryLock: true });
  } finally {
    await client.end();
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
  return { prisma, kind: "postgres", close: () => prisma.$disconnect() };
}

/** Opens a database explicitly (tests, scripts); the app uses getDb(). */
export function openDb(opts: { databaseUrl?: string; dataDir: string }): Promise<DbHandle> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}

function handle(): Promise<DbHandle> {
  if (!globalForDb.__synclineDb) {
    const env = getEnv();
    globalForDb.__synclineDb = openDb({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
    globalForDb.__synclineDb.catch(() => {
      globalForDb.__synclineDb = undefined;
    });
  }
  return globalForDb.__synclineDb;
}

export async function getDb(): Promise<PrismaClient> {
  return (await handle()).prisma;
}

export async function getDbKind(): Promise<DbKind> {
  return (await handle()).kind;
}

/** Lets tests point the app's singleton at a database they opened themselves. */
export function setDbForTests(h: DbHandle | undefined): void {
  globalForDb.__synclineDb = h ? Promise.resolve(h) : undefined;
}

export async function closeDb(): Promise<void> {
  const h = globalForDb.__synclineDb;
  globalForDb.__synclineDb = undefined;
  if (h) await (await h).close();
}

export type { DbHandle };
