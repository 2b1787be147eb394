import { describe, expect, it } from "vitest";
import { fieldLine, specErrorPointer } from "./field-line";

describe("fieldLine: the line of a failing field", () => {
  const yaml = "kind: Deployment\nmetadata: {name: bad, namespace: prod}\nspec:\n  image: x\n  ports:\n    - 80\n    - eighty\n  replicas: three\n";

  it("finds a nested field, an array item, and the parent of a missing field", () => {
    expect(fieldLine(yaml, 1, "/spec/replicas")).toBe(8);
    expect(fieldLine(yaml, 1, "/spec/ports/1")).toBe(7);
    expect(fieldLine(yaml, 1, "/spec/missing")).toBe(3);
  });

  it("picks the document that starts at the resource's line in a multi-document file", () => {
    const multi = "kind: A\nspec: {x: 1}\n---\nkind: B\nspec:\n  x: bad\n";
    expect(fieldLine(multi, 4, "/spec/x")).toBe(6);
    expect(fieldLine(multi, 1, "/spec/x")).toBe(2);
  });

  it("works for JSON files", () => {
    const json = '{\n  "kind": "Deployment",\n  "spec": {\n    "replicas": "three"\n  }\n}\n';
    expect(fieldLine(json, 1, "/spec/replicas")).toBe(4);
  });

  it("reads the pointer of the first spec error after the resource's place", () => {
    expect(specErrorPointer("r/bad.yaml:1: spec/replicas must be integer; spec/image is required", "r/bad.yaml", 1)).toBe("/spec/replicas");
    expect(specErrorPointer("r/bad.yaml:1: spec must be object", "r/bad.yaml", 1)).toBe("/spec");
    expect(specErrorPointer("r/bad.yaml:1: metadata.name is required", "r/bad.yaml", 1)).toBeNull();
  });
});
