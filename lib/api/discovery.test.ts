import { describe, expect, it } from "vitest";
import { discover, problemKind } from "./discovery";

describe("discover (why is nothing syncing)", () => {
  it("lists the kinds found with counts, ours included, and folds the same problem in many files into one line", () => {
    const fileProblems = [
      ...["a", "b", "c"].map((n, i) => ({
        path: `${n}-dep.yaml`,
        line: 1 + i,
        message: "Deployment: metadata.namespace is required for the Namespaced kind Deployment (set spec.gitops.targetNamespace)",
      })),
      { path: "chart/templates/x.yaml", line: 7, message: "YAML syntax error: Nested mappings are not allowed in compact mappings at line 7, column 12" },
      { path: "chart/templates/y.yaml", line: 9, message: "YAML syntax error: Nested mappings are not allowed in compact mappings at line 9, column 3" },
    ];
    const d = discover("Deployment", {
      otherKinds: { Service: 3, Ingress: 1 },
      fileProblems,
      changes: [],
      excludedFiles: { exclude: 2, sourceignore: 1, include: 0 },
    });
    expect(d.kinds).toEqual([
      { kind: "Deployment", count: 3, ours: true },
      { kind: "Service", count: 3, ours: false },
      { kind: "Ingress", count: 1, ours: false },
    ]);
    expect(d.problems.map((p) => [p.count, p.first])).toEqual([
      [3, "a-dep.yaml:1"],
      [2, "chart/templates/x.yaml:7"],
    ]);
    expect(d.problemKinds).toBe(2);
    expect(d.excludedFiles).toBe(3);
    expect(d.hint).toMatch(/set spec\.gitops\.targetNamespace/);
  });

  it("says so when nothing of the kind is under the path", () => {
    expect(discover("Widget", { otherKinds: { Service: 2 }, fileProblems: [], changes: [] }).hint).toMatch(/no document of kind Widget/);
    expect(discover("Widget", { otherKinds: {}, fileProblems: [], changes: [] }).hint).toMatch(/no resource files/);
    expect(problemKind('Deployment: metadata.name "Web" must be 63')).toBe("metadata.name … must be N");
  });
});
