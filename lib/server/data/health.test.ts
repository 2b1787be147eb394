/**
 * The health check on the embedded store (one connection): behind a writer's transaction that
 * is making progress it answers at once as busy; behind one that stalls it waits, as any query.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { getRawSql } from "@/lib/server/db";
import { pingDatabase } from "./health";

describe("pingDatabase on the embedded store", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(async () => {
    await store?.close();
  });

  it("answers plainly when the store is free", async () => {
    expect(await pingDatabase()).toEqual({ kind: "pglite" });
  });

  it("answers busy within its wait while a transaction holds the store and finishes statements", async () => {
    const raw = await getRawSql();
    let stop = false;
    const writer = raw.transaction(async (q) => {
      while (!stop) {
        await q("SELECT count(*) FROM generate_series(1, 20000)");
        await sleep(10);
      }
    });
    await sleep(30);
    const t = performance.now();
    const ping = await pingDatabase({ pingWaitMs: 50 });
    const ms = performance.now() - t;
    stop = true;
    await writer;
    expect(ping).toEqual({ kind: "pglite", busy: true });
    expect(ms).toBeLessThan(1_000);
  });

  it("waits for the query when the transaction holding the store has made no progress within the window", async () => {
    const raw = await getRawSql();
    let released = 0;
    const writer = raw.transaction(async (q) => {
      await q("SELECT 1");
      await sleep(600);
      released = performance.now();
    });
    await sleep(20);
    const ping = await pingDatabase({ pingWaitMs: 50, progressWindowMs: 10 });
    const answered = performance.now();
    await writer;
    expect(ping).toEqual({ kind: "pglite" });
    // it answered only after the transaction let the store go
    expect(answered).toBeGreaterThanOrEqual(released);
  });
});
