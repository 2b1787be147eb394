import { describe, it, expect } from "vitest";
import { createHash } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { contentHash, LARGE_DOCUMENT_CHARS, stableStringify, toCanonicalYaml } from "./canonical";

describe("stableStringify", () => {
  it("sorts keys at every depth and keeps array order", () => {
    expect(stableStringify({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
  });

  it("is independent of insertion order", () => {
    expect(stableStringify({ x: 1, y: { p: 1, q: 2 } })).toBe(stableStringify({ y: { q: 2, p: 1 }, x: 1 }));
  });

  it("drops undefined members like JSON.stringify and writes null for non-finite numbers", () => {
    expect(stableStringify({ a: undefined, b: [undefined, NaN, Infinity] })).toBe('{"b":[null,null,null]}');
    expect(stableStringify(undefined)).toBe("null");
  });

  it("escapes strings and keeps a __proto__ own key as data", () => {
    const v = JSON.parse('{"__proto__": {"x": 1}, "s": "a\\"b\\n"}') as unknown;
    expect(stableStringify(v)).toBe('{"__proto__":{"x":1},"s":"a\\"b\\n"}');
  });
});

describe("contentHash", () => {
  it("is the sha256 of the canonical {annotations, labels, spec}", () => {
    const expected = createHash("sha256").update('{"annotations":{},"labels":{"app":"web"},"spec":{"replicas":3}}').digest("hex");
    expect(contentHash({ spec: { replicas: 3 }, labels: { app: "web" } })).toBe(expected);
  });

  it("treats absent and empty maps alike, and spec key order does not matter", () => {
    const a = contentHash({ spec: { a: 1, b: 2 }, labels: {}, annotations: {} });
    const b = contentHash({ spec: { b: 2, a: 1 } });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes when spec, labels or annotations change", () => {
    const base = contentHash({ spec: { r: 1 }, labels: { a: "1" }, annotations: { n: "x" } });
    expect(contentHash({ spec: { r: 2 }, labels: { a: "1" }, annotations: { n: "x" } })).not.toBe(base);
    expect(contentHash({ spec: { r: 1 }, labels: { a: "2" }, annotations: { n: "x" } })).not.toBe(base);
    expect(contentHash({ spec: { r: 1 }, labels: { a: "1" }, annotations: { n: "y" } })).not.toBe(base);
    // a label moved to annotations is a different resource
    expect(contentHash({ spec: { r: 1 }, annotations: { a: "1", n: "x" } })).not.toBe(base);
  });
});

describe("toCanonicalYaml", () => {
  it("sorts keys and writes shared objects in full", () => {
    const shared = { z: 1, a: 2 };
    expect(toCanonicalYaml({ spec: { b: shared, a: shared }, kind: "Deployment" })).toBe(
      "kind: Deployment\nspec:\n  a:\n    a: 2\n    z: 1\n  b:\n    a: 2\n    z: 1\n",
    );
  });

  it("returns '' for undefined and does not fold long lines", () => {
    expect(toCanonicalYaml(undefined)).toBe("");
    const long = "word ".repeat(40).trim();
    expect(toCanonicalYaml({ s: long })).toBe(`s: ${long}\n`);
  });

  it("writes an own __proto__ key as data", () => {
    const v = JSON.parse('{"b": 1, "__proto__": {"polluted": 1}}') as unknown;
    expect(toCanonicalYaml(v)).toBe("__proto__:\n  polluted: 1\nb: 1\n");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("quotes strings that would read as other types", () => {
    expect(toCanonicalYaml({ a: "012", b: "true", c: "1.10" })).toBe('a: "012"\nb: "true"\nc: "1.10"\n');
  });

  it("renders a document over the size limit as indented JSON with sorted keys, which reads back as the same YAML value", () => {
    const big = { spec: { tags: Array.from({ length: 20_000 }, (_, i) => ({ z: i, a: `t${i}` })) }, kind: "Widget" };
    const text = toCanonicalYaml(big);
    expect(text.length).toBeGreaterThan(LARGE_DOCUMENT_CHARS);
    expect(text.startsWith('{\n  "kind": "Widget",\n  "spec"')).toBe(true);
    expect(text).toContain('"a": "t0",\n        "z": 0');
    expect(parseYaml(text)).toEqual(big);
    // under the limit it stays block YAML
    expect(toCanonicalYaml({ spec: { tags: big.spec.tags.slice(0, 10) } })).toMatch(/^spec:\n  tags:\n    - a: t0\n/);
  });
});
