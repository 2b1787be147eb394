import { describe, it, expect } from "vitest";
import { diffFields, toPointer } from "./diff";

describe("diffFields", () => {
  it("lists added, modified and removed fields as JSON pointers", () => {
    const changes = diffFields(
      { spec: { replicas: 2, image: "a:1", env: ["A", "B"] }, metadata: { labels: { app: "web" } } },
      { spec: { replicas: 3, env: ["A"], port: 80 }, metadata: { labels: { app: "web" } } },
    );
    expect(changes).toEqual([
      { path: "/spec/replicas", op: "modified", old: 2, new: 3 },
      { path: "/spec/image", op: "removed", old: "a:1" },
      { path: "/spec/env/1", op: "removed", old: "B" },
      { path: "/spec/port", op: "added", new: 80 },
    ]);
  });

  it("escapes ~ and / in keys", () => {
    expect(diffFields({ "a/b": { "c~d": 1 } }, { "a/b": { "c~d": 2 } })).toEqual([{ path: "/a~1b/c~0d", op: "modified", old: 1, new: 2 }]);
    expect(toPointer(["x", 0, "~/"])).toBe("/x/0/~0~1");
  });

  it("returns nothing for equal documents", () => {
    expect(diffFields({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toEqual([]);
  });

  it("lists top-level fields when one side is absent", () => {
    expect(diffFields(undefined, { spec: { a: 1 } })).toEqual([{ path: "/spec", op: "added", new: { a: 1 } }]);
    expect(diffFields({ spec: { a: 1 } }, undefined)).toEqual([{ path: "/spec", op: "removed", old: { a: 1 } }]);
  });

  it("reports a type change as one modification", () => {
    expect(diffFields({ a: { b: 1 } }, { a: [1] })).toEqual([{ path: "/a", op: "modified", old: { b: 1 }, new: [1] }]);
    expect(diffFields(1, "1")).toEqual([{ path: "", op: "modified", old: 1, new: "1" }]);
  });

  it("is not fooled by __proto__ or constructor keys", () => {
    const withProto = JSON.parse('{"spec": {"__proto__": {"x": 1}, "constructor": "c"}}') as unknown;
    expect(diffFields(withProto, { spec: {} })).toEqual([
      { path: "/spec/__proto__", op: "removed", old: { x: 1 } },
      { path: "/spec/constructor", op: "removed", old: "c" },
    ]);
    expect(diffFields({ spec: {} }, withProto)).toEqual([
      { path: "/spec/__proto__", op: "added", new: { x: 1 } },
      { path: "/spec/constructor", op: "added", new: "c" },
    ]);
    const added = diffFields({ spec: {} }, withProto)[0]?.new as object;
    expect(Object.getPrototypeOf(added)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("finds such keys deep in compared objects, and lists a key only one side has whole", () => {
    const deep = (v: unknown) => JSON.parse(`{"spec": {"a": [{"b": {"constructor": ${JSON.stringify(v)}}}]}}`) as unknown;
    expect(diffFields(deep(1), deep(2))).toEqual([{ path: "/spec/a/0/b/constructor", op: "modified", old: 1, new: 2 }]);
    expect(diffFields({ spec: { a: [{ b: {} }] } }, deep("c"))).toEqual([{ path: "/spec/a/0/b/constructor", op: "added", new: "c" }]);
    // a value only the new side has is one change, whatever it holds
    const created = deep("c") as { spec: unknown };
    const changes = diffFields({ metadata: {} }, { metadata: {}, spec: created.spec });
    expect(changes).toEqual([{ path: "/spec", op: "added", new: created.spec }]);
  });
});
