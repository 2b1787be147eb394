import { describe, expect, it } from "vitest";
import { mapInSlices } from "./time-slice";

describe("mapInSlices", () => {
  it("maps in order and lets a timer run between slices of a long loop", async () => {
    let timerRanAt = -1;
    const busy = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    setTimeout(() => (timerRanAt = seen), 0);
    let seen = 0;
    const out = await mapInSlices(
      Array.from({ length: 20 }, (_, i) => i),
      (n) => {
        busy(5);
        seen++;
        return n * 2;
      },
      10,
    );
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    // the timer ran while the loop was still going, not after it
    expect(timerRanAt).toBeGreaterThan(0);
    expect(timerRanAt).toBeLessThan(20);
  });
});
