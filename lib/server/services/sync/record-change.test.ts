/**
 * Run records store a create, and an invalid document with nothing live, as compact JSON without
 * a diff (record-change.ts); reading them back (runs.ts toChangeView) must show exactly what the
 * plan showed: the same field diff and the same YAML side.
 */
import { describe, expect, it } from "vitest";
import { planSync } from "@/lib/engine/plan";
import type { DesiredResource } from "@/lib/engine/types";
import type { RunChangeRow } from "@/lib/server/data/runs";
import { toChangeView } from "@/lib/server/services/runs";
import { toRecord } from "./record-change";

const desired = (name: string, spec: unknown, error?: string): DesiredResource => ({
  key: { kind: "Widget", namespace: "p", name },
  doc: { kind: "Widget", metadata: { name, namespace: "p", labels: { app: name } }, spec },
  sourcePath: `r/${name}.yaml`,
  sourceLine: 3,
  ...(error ? { error } : {}),
});

describe("compact run records", () => {
  it("a create and an invalid new document read back with the plan's diff and YAML", () => {
    const plan = planSync({
      kind: "Widget",
      desired: [desired("made", { replicas: 2, tags: [{ id: 1 }] }), desired("broken", { replicas: -1, deep: { a: [1, 2] } }, "r/broken.yaml:3: bad")],
      live: [],
      fileProblems: [],
      otherKinds: {},
      policy: { prune: false, atomic: false, allowEmpty: false },
      managedBy: "syncline",
    });
    const byName = new Map(plan.changes.map((c) => [c.key.name, c]));
    for (const name of ["made", "broken"]) {
      const planned = byName.get(name)!;
      const record = toRecord(planned, { compactCreates: true });
      // stored compactly: no diff, one-line JSON
      expect(record.diff).toEqual([]);
      expect(record.desiredYaml?.startsWith("{")).toBe(true);
      expect(record.desiredYaml).not.toContain("\n");
      const row = { ...record, ...record.key, id: name, runId: "r" } as unknown as RunChangeRow;
      const view = toChangeView(row);
      expect(view.action).toBe(planned.action);
      expect(view.diff).toEqual(planned.diff);
      expect(view.diff.length).toBeGreaterThan(0);
      expect(view.desiredYaml).toBe(planned.desiredYaml);
    }
    expect(byName.get("broken")?.action).toBe("invalid");
  });
});
