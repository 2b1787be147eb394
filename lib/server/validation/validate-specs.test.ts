import { describe, expect, it } from "vitest";
import { fitsInThread, validateSpecs } from "./validate-specs";

/** Every level tries two failing branches that both recurse: 2^depth steps on a value nested `depth` deep. */
const exponential = {
  type: "object",
  $ref: "#/$defs/a",
  $defs: {
    a: { anyOf: [{ $ref: "#/$defs/b" }, { $ref: "#/$defs/b" }] },
    b: { type: "object", required: ["never"], properties: { n: { $ref: "#/$defs/a" } } },
  },
};

function nested(depth: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let o = root;
  for (let i = 0; i < depth; i++) o = o.n = {} as Record<string, unknown>;
  return root;
}

describe("validateSpecs (worker thread with a time budget)", () => {
  it("a spec that runs past the per-spec budget is refused naming the budget; the others keep their own results", async () => {
    const big = "x".repeat(70_000); // over the in-thread limit: goes to the thread
    const specs = [{ note: big }, nested(40), nested(2), { n: 1 }];
    const started = Date.now();
    const results = await validateSpecs(exponential, specs, { perSpecMs: 300 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(results[1]).toEqual([{ pointer: "/spec", message: "validation took longer than 300 ms (the time budget per resource); refused" }]);
    for (const i of [0, 2, 3]) expect(results[i]?.length, `spec ${i}`).toBeGreaterThan(0);
    expect(results[0]?.[0]?.message).not.toMatch(/budget/);
    expect(results[3]?.some((e) => e.pointer === "/spec/n" && e.message === "must be object")).toBe(true);
  }, 30_000);

  it("the event loop keeps running while the thread validates", async () => {
    const specs = [{ pad: "y".repeat(70_000) }, nested(40)];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await validateSpecs(exponential, specs, { perSpecMs: 500 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(20);
  }, 30_000);

  it("small batches stay in-thread; the size count stops at the limit", async () => {
    expect(fitsInThread([{ a: "x".repeat(100) }], 1000)).toBe(true);
    expect(fitsInThread([{ a: "x".repeat(2000) }], 1000)).toBe(false);
    expect(await validateSpecs({ type: "object", properties: { a: { type: "integer" } } }, [{ a: 1 }, { a: "b" }])).toEqual([
      [],
      [{ pointer: "/spec/a", message: "must be integer" }],
    ]);
  });
});
