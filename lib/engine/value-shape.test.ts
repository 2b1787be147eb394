import { describe, it, expect } from "vitest";
import { checkValueShape } from "./value-shape";
import { parseSourceFile } from "./parse";

describe("checkValueShape", () => {
  it("accepts plain JSON data", () => {
    expect(checkValueShape({ a: [1, "x", true, null, { b: {} }] }, 10)).toBeUndefined();
  });

  it("refuses depth over the limit, cycles, non-JSON objects and non-finite numbers", () => {
    expect(checkValueShape([[[1]]], 2)).toMatch(/nested deeper than 2 levels/);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(checkValueShape(cyclic, 100)).toMatch(/circular/);
    expect(checkValueShape({ d: new Date(0) }, 10)).toMatch(/unsupported value/);
    expect(checkValueShape({ s: new Set([1]) }, 10)).toMatch(/unsupported value/);
    expect(checkValueShape({ n: Number.NaN }, 10)).toMatch(/non-finite/);
    expect(checkValueShape({ f: () => 1 }, 10)).toBe("unsupported value of type function");
  });

  it("shares a node budget across calls", () => {
    const budget = { nodes: 5 };
    expect(checkValueShape([1, 2], 10, budget)).toBeUndefined();
    expect(budget.nodes).toBe(2);
    expect(checkValueShape([1, 2], 10, budget)).toMatch(/more than/);
  });
});

describe("alias expansion across a file", () => {
  it("refuses documents that together expand past the node budget, even under maxAliasCount", () => {
    const list = "[" + Array.from({ length: 20_000 }, () => "1").join(",") + "]";
    const doc = `big: &l ${list}\ncopies: [${Array.from({ length: 30 }, () => "*l").join(", ")}]\n`;
    const one = parseSourceFile({ path: "a.yaml", content: doc });
    expect(one.problems).toEqual([]);
    const started = performance.now();
    const many = parseSourceFile({ path: "a.yaml", content: [doc, doc, doc].join("---\n") });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(many.docs).toHaveLength(1);
    expect(many.problems.map((p) => p.message)).toEqual([
      "file expands to more than 1000000 values (aliases?); not parsed",
      "file expands to more than 1000000 values (aliases?); not parsed",
    ]);
  });
});
