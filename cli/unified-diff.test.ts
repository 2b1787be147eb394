/** The unified diff `resource diff` prints: hunk headers, context and both empty-side cases. */
import { describe, expect, it } from "vitest";
import { diffLines, unifiedHunks } from "./unified-diff";

const text = (n: number, change?: [number, string]) =>
  Array.from({ length: n }, (_, i) => (change && change[0] === i ? change[1] : `line ${i + 1}`)).join("\n") + "\n";

describe("unified diff", () => {
  it("is empty for equal texts", () => {
    expect(unifiedHunks(diffLines("a\nb\n", "a\nb\n"))).toEqual([]);
  });

  it("shows one change with three lines of context and correct ranges", () => {
    expect(unifiedHunks(diffLines(text(10), text(10, [5, "changed"])))).toEqual([
      "@@ -3,7 +3,7 @@",
      " line 3",
      " line 4",
      " line 5",
      "-line 6",
      "+changed",
      " line 7",
      " line 8",
      " line 9",
    ]);
  });

  it("splits distant changes into separate hunks", () => {
    const a = text(30);
    const b = text(30, [1, "x"]).replace("line 29", "y");
    const hunks = unifiedHunks(diffLines(a, b)).filter((l) => l.startsWith("@@"));
    expect(hunks).toEqual(["@@ -1,5 +1,5 @@", "@@ -26,5 +26,5 @@"]);
  });

  it("writes a create as -0,0 and a delete as +0,0", () => {
    expect(unifiedHunks(diffLines("", "a: 1\nb: 2\n"))).toEqual(["@@ -0,0 +1,2 @@", "+a: 1", "+b: 2"]);
    expect(unifiedHunks(diffLines("a: 1\n", ""))).toEqual(["@@ -1,1 +0,0 @@", "-a: 1"]);
  });

  it("keeps common lines between changes (LCS, not replace-all)", () => {
    const ops = diffLines("a\nb\nc\nd\n", "a\nx\nc\ny\n");
    expect(ops.map((o) => o.op + o.text)).toEqual([" a", "-b", "+x", " c", "-d", "+y"]);
  });
});
