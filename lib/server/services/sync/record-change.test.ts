/**
 * Run records store a create, and an invalid document with nothing live, as compact JSON without
 * a diff, and an update's or a delete's sides as compact JSON with the diff (record-change.ts); reading them back (runs.ts toChangeView) must show exactly what the
 * plan showed: the same field diff and the same YAML side.
 */
import { describe, expect, it } from "vitest";
import { planSync } from "@/lib/engine/plan";
import type { DesiredResource, PlannedChange } from "@/lib/engine/types";
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

  it("an update and a delete store their sides as compact JSON and read back as the plan's YAML, masked", () => {
    const live = (name: string, spec: Record<string, unknown>) => ({
      key: { kind: "Widget", namespace: "p", name },
      spec,
      labels: { app: name },
      annotations: {},
      generation: 1,
      managedBy: "syncline",
      appliedSpecHash: "old",
      liveSpecHash: "old",
      lastCommitSHA: "a".repeat(40),
      lastSyncTime: null,
      syncError: null,
      sourcePath: `r/${name}.yaml`,
    });
    const plan = planSync({
      kind: "Widget",
      desired: [desired("moved", { replicas: 3, token: "new-secret", tags: ["x"] })],
      live: [live("moved", { replicas: 1, token: "old-secret" }), live("gone", { replicas: 5, token: "gone-secret" })],
      fileProblems: [],
      otherKinds: {},
      policy: { prune: true, atomic: false, allowEmpty: false },
      managedBy: "syncline",
      mask: (spec) => ({ ...(spec as Record<string, unknown>), token: "*****" }),
    });
    const byName = new Map(plan.changes.map((c) => [c.key.name, c]));
    expect(byName.get("moved")?.action).toBe("update");
    expect(byName.get("gone")?.action).toBe("delete");
    for (const name of ["moved", "gone"]) {
      const planned = byName.get(name)!;
      const record = toRecord(planned, { compactCreates: true });
      expect(record.diff).toEqual(planned.diff);
      expect(record.liveYaml?.startsWith("{")).toBe(true);
      expect(record.liveYaml).not.toContain("\n");
      expect(JSON.stringify(record)).not.toMatch(/new-secret|old-secret|gone-secret/);
      const view = toChangeView({ ...record, ...record.key, id: name, runId: "r" } as unknown as RunChangeRow);
      expect(view.liveYaml).toBe(planned.liveYaml);
      expect(view.desiredYaml).toBe(planned.desiredYaml || null);
      expect(view.liveYaml).toMatch(/token: "?\*{5}"?\n/);
    }
  });

  it("recording a create renders no YAML (a first sync of 10,000 would spend seconds on it)", () => {
    const doc = desired("made", { replicas: 2 }).doc;
    const rendered: string[] = [];
    const change = {
      key: { kind: "Widget", namespace: "p", name: "made" },
      action: "create" as const,
      status: "OutOfSync" as const,
      drifted: false,
      diff: [],
      shownDoc: doc,
      get liveYaml(): string {
        rendered.push("live");
        return "";
      },
      get desiredYaml(): string {
        rendered.push("desired");
        return "";
      },
    };
    const record = toRecord(change as unknown as PlannedChange, { compactCreates: true });
    expect(rendered).toEqual([]);
    expect(JSON.parse(record.desiredYaml!)).toEqual(doc);
    expect(record.liveYaml).toBeNull();
  });
});
