/** Leases on both stores: one holder at a time under contention, renewal, takeover after expiry. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { getExpiredLeaseOwners, releaseLease, renewLease, tryAcquireLease } from "@/lib/server/data/leases";
import { testDatabaseUrl } from "./pg-url";

describe.each([
  { store: "pglite", postgres: false },
  { store: "postgres", postgres: true },
])("leases on $store", ({ postgres }) => {
  let store: TestStore;
  beforeAll(async () => {
    if (postgres) testDatabaseUrl();
    store = await openTestStore({ postgres });
  });
  afterAll(async () => store?.close());

  it("exactly one of many concurrent claimants wins", async () => {
    for (let round = 0; round < 5; round++) {
      const key = `definition:race-${round}`;
      const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => tryAcquireLease(key, `owner-${i}`, 10_000)));
      expect(wins.filter(Boolean)).toHaveLength(1);
    }
  });

  it("the holder renews and re-claims; others wait until it expires or is released", async () => {
    expect(await tryAcquireLease("k1", "a", 400)).toBe(true);
    expect(await tryAcquireLease("k1", "b", 400)).toBe(false);
    expect(await tryAcquireLease("k1", "a", 400)).toBe(true);
    expect(await renewLease("k1", "a", 400)).toBe(true);
    expect(await renewLease("k1", "b", 400)).toBe(false);
    await new Promise((r) => setTimeout(r, 600));
    expect(await tryAcquireLease("k1", "b", 10_000)).toBe(true);
    expect(await renewLease("k1", "a", 400)).toBe(false);
    await releaseLease("k1", "a"); // not the holder: no effect
    expect(await tryAcquireLease("k1", "c", 10_000)).toBe(false);
    await releaseLease("k1", "b");
    expect(await tryAcquireLease("k1", "c", 10_000)).toBe(true);
  });

  it("lists owners of expired process leases", async () => {
    await tryAcquireLease("process:alive", "alive", 10_000);
    await tryAcquireLease("process:dead", "dead", 200);
    await new Promise((r) => setTimeout(r, 400));
    expect(await getExpiredLeaseOwners("process:")).toEqual(["dead"]);
  });
});
