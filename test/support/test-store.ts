/**
 * A fresh store for one test file: embedded PGlite in a temp dir, or — when
 * TEST_DATABASE_URL is set and `postgres: true` — a new PostgreSQL database created for
 * the file and dropped after. The app's singletons (db, auth, git) point at it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import pg from "pg";
import { openDb, setDbForTests, type DbHandle } from "@/lib/server/db";
import { resetEnvForTests } from "@/lib/env";
import { resetAuthForTests } from "@/lib/server/auth/better-auth";
import { resetMasterKeyForTests } from "@/lib/server/crypto/secret-box";
import { setGitClientForTests } from "@/lib/server/services/git-source";

export interface TestStore {
  handle: DbHandle;
  dataDir: string;
  kind: "pglite" | "postgres";
  /** the PostgreSQL database (postgres: true), e.g. for pg_dump */
  databaseUrl?: string;
  close(): Promise<void>;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export async function openTestStore(opts: { postgres?: boolean } = {}): Promise<TestStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "syncline-test-"));
  process.env.SYNCLINE_DATA_DIR = dataDir;
  process.env.SYNCLINE_DEMO = "0";
  process.env.SYNCLINE_SCHEDULER = "0";
  delete process.env.DATABASE_URL;
  resetEnvForTests();
  resetAuthForTests();
  resetMasterKeyForTests();
  setGitClientForTests(undefined);
  let dropDb: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  const base = process.env.TEST_DATABASE_URL;
  if (opts.postgres) {
    if (!base) throw new Error("TEST_DATABASE_URL is not set");
    const name = `syncline_t_${crypto.randomBytes(5).toString("hex")}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    databaseUrl = withDatabase(base, name);
    dropDb = async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const handle = await openDb({ databaseUrl, dataDir });
  setDbForTests(handle);
  return {
    handle,
    dataDir,
    kind: handle.kind,
    databaseUrl,
    async close() {
      setDbForTests(undefined);
      await handle.close();
      await dropDb?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
