/**
 * The PostgreSQL the multi-replica tests use: TEST_DATABASE_URL, or the server on this
 * machine (trust auth) when unset. These tests need a real PostgreSQL and fail without one.
 */
export function testDatabaseUrl(): string {
  process.env.TEST_DATABASE_URL ||= "postgres://postgres@127.0.0.1:5432/postgres";
  return process.env.TEST_DATABASE_URL;
}
