import { describe, expect, it } from "vitest";
import { backoffDelayMs, isDue, jitterMs } from "./timing";

describe("auto-sync backoff", () => {
  it("doubles from the base up to the ceiling", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelayMs(n, 5_000, 180_000))).toEqual([
      5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 180_000, 180_000, 180_000,
    ]);
    expect(backoffDelayMs(1000, 5_000, 180_000)).toBe(180_000);
    expect(backoffDelayMs(0, 5_000, 180_000)).toBe(5_000);
  });
});

describe("refresh due time", () => {
  const base = { id: "d1", intervalS: 60, autoRetryAt: null, autoFailedCommit: null };
  const opts = { minIntervalS: 10, jitter: 0.1 };

  it("is due at once when never refreshed, and not before the interval", () => {
    expect(isDue({ ...base, lastRefreshAt: null }, Date.now(), opts)).toBe(true);
    const t = Date.now();
    expect(isDue({ ...base, lastRefreshAt: new Date(t) }, t + 59_000, opts)).toBe(false);
    expect(isDue({ ...base, lastRefreshAt: new Date(t) }, t + 66_001, opts)).toBe(true);
  });

  it("keeps jitter within the fraction and stable per definition", () => {
    for (const id of ["a", "b", "c", "some-long-definition-id"]) {
      const j = jitterMs(id, 60_000, 0.1);
      expect(j).toBeGreaterThanOrEqual(0);
      expect(j).toBeLessThan(6_000);
      expect(jitterMs(id, 60_000, 0.1)).toBe(j);
    }
    expect(new Set(["a", "b", "c", "d", "e"].map((id) => jitterMs(id, 60_000, 0.1))).size).toBeGreaterThan(1);
  });

  it("honours the minimum interval and a due retry", () => {
    const t = Date.now();
    expect(isDue({ ...base, intervalS: 1, lastRefreshAt: new Date(t) }, t + 5_000, opts)).toBe(false);
    expect(isDue({ ...base, lastRefreshAt: new Date(t), autoFailedCommit: "abc", autoRetryAt: new Date(t + 1_000) }, t + 1_500, opts)).toBe(true);
    expect(isDue({ ...base, lastRefreshAt: new Date(t), autoFailedCommit: "abc", autoRetryAt: new Date(t + 2_000) }, t + 1_500, opts)).toBe(false);
  });
});
