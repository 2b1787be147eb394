/**
 * The Prisma singleton. No DATABASE_URL → embedded PGlite in <dataDir>/pglite (one process);
 * DATABASE_URL=postgres://… → PostgreSQL through @prisma/adapter-pg (many replicas).
 * Migrations are applied before the first query. Only this file and lib/server/data/ may
 * import Prisma (held by ESLint).
 */
import path from "node:path";
import { PrismaClient } from "@prisma/client";
import { getEnv } from "@/lib/env";
import { processSingleton } from "@/lib/server/runtime/singletons";
import { applyMigrations, type SqlRunner } from "@/lib/server/migrate";
import { lockDataDir } from "@/lib/server/data-dir-lock";

export type Db = PrismaClient;
export type DbKind = "pglite" | "postgres";

/** One statement straight to the driver: positional `$n` parameters, rows as the driver parses them. */
export type RawQuery = <R = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;

/**
 * The bulk path beside Prisma. Large statements (10,000 rows as one jsonb parameter) skip
 * Prisma's query compiler, which copies every parameter into its own Wasm heap and keeps the
 * last few alive (measured: ~76 MiB retained after a 10k-resource sync, and ~0.2 s of CPU).
 */
export interface RawSql {
  query: RawQuery;
  /**
   * A hot statement (token check, status write) as a named prepared statement on PostgreSQL:
   * each connection parses and plans it once, not per call (planning a status write cost more
   * than running it). `name` must be unique per SQL text. On PGlite the same as `query`.
   */
  prepared: <R = Record<string, unknown>>(name: string, sql: string, params: unknown[]) => Promise<R[]>;
  /** `fn`'s statements in one transaction on one connection; rolled back if it throws */
  transaction<T>(fn: (query: RawQuery) => Promise<T>): Promise<T>;
}

interface DbHandle {
  prisma: PrismaClient;
  raw: RawSql;
  kind: DbKind;
  close: () => Promise<void>;
}

/** PostgreSQL's `jsonb` type oid */
const JSONB_OID = 3802;

/**
 * PGlite sends a text parameter after measuring its UTF-8 length one character at a time in
 * JS (~420 ms for a 10k-resource sync's bulk parameters). A `jsonb` parameter given as bytes
 * goes in jsonb's binary format instead (version byte 1, then the JSON text), encoded natively.
 */
const pgliteBulkSerializers = {
  [JSONB_OID]: (v: unknown) => {
    const text = typeof v === "string" ? v : JSON.stringify(v);
    const bytes = Buffer.allocUnsafe(Buffer.byteLength(text) + 1);
    bytes[0] = 1;
    bytes.write(text, 1);
    return bytes as unknown as string;
  },
};

const globalForDb = processSingleton("db", () => ({}) as { __synclineDb?: Promise<DbHandle> });

/**
 * The embedded store is one connection: a bulk transaction (a 10,000-resource sync, a run's
 * change records) holds it, and any other query waits. The health check reads this instead of
 * queueing behind a writer that is making progress (see lib/server/data/health.ts).
 */
const storeActivity = processSingleton("store-activity", () => ({ openTransactions: 0, lastProgressAt: 0 }));

/** true while a raw transaction holds the embedded store and one of its statements finished within `withinMs` */
export function storeBusyWithProgress(withinMs: number): boolean {
  return storeActivity.openTransactions > 0 && performance.now() - storeActivity.lastProgressAt <= withinMs;
}

async function tracked<T>(fn: () => Promise<T>): Promise<T> {
  storeActivity.openTransactions++;
  storeActivity.lastProgressAt = performance.now();
  try {
    return await fn();
  } finally {
    storeActivity.openTransactions--;
  }
}

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
    // PGlite is one connection: its transaction() holds it, as the Prisma adapter's transactions do
    const options = { serializers: pgliteBulkSerializers };
    const query: RawQuery = async (sql, params) => (await pg.query(sql, params, options)).rows as never[];
    const raw: RawSql = {
      query,
      prepared: (_name, sql, params) => query(sql, params),
      transaction: (fn) =>
        tracked(() =>
          pg.transaction((tx) =>
            fn(async (sql, params) => {
              const rows = (await tx.query(sql, params, options)).rows as never[];
              storeActivity.lastProgressAt = performance.now();
              return rows;
            }),
          ),
        ),
    };
    return {
      prisma,
      raw,
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
  // the raw channel carries the hot paths too (token checks, status writes: ~20 concurrent
  // writers in bench/status-writes), so it is not held to a few connections
  const pool = new pg.default.Pool({ connectionString: url, max: 10 });
  // an idle connection dropped by the server: the pool replaces it at the next query
  pool.on("error", () => undefined);
  const raw: RawSql = {
    query: async (sql, params) => (await pool.query(sql, params as unknown[])).rows as never[],
    prepared: async (name, sql, params) => (await pool.query({ name, text: sql, values: params })).rows as never[],
    transaction: async (fn) => {
      const conn = await pool.connect();
      try {
        await conn.query("BEGIN");
        const out = await fn(async (sql, params) => (await conn.query(sql, params as unknown[])).rows as never[]);
        await conn.query("COMMIT");
        return out;
      } catch (err) {
        await conn.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        conn.release();
      }
    },
  };
  return {
    prisma,
    raw,
    kind: "postgres",
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
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

export async function getRawSql(): Promise<RawSql> {
  return (await handle()).raw;
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
