import { describe, expect, it } from "vitest";
import { jsonError } from "@/lib/client/json-position";

describe("jsonError", () => {
  it("is null for valid JSON", () => {
    expect(jsonError('{"a": 1}')).toBeNull();
  });
  it("names the line and column of the problem", () => {
    const e = jsonError('{\n  "a": 1,\n  "b": }\n');
    expect(e).toMatchObject({ line: 3, column: 8 });
    expect(e!.message).not.toMatch(/position/);
  });
  it("points past the end for truncated text", () => {
    expect(jsonError('{\n  "a": 1')).toMatchObject({ line: 2 });
  });
});
