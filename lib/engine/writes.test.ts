import { describe, it, expect } from "vitest";
import { keysNeedingContent, planSync } from "./plan";
import { buildWrites } from "./writes";
import { contentHash, docContentHash } from "./canonical";
import { resourceKeyString } from "./resource-key";
import type { DesiredResource, LiveResource } from "./types";

const key = (name: string) => ({ kind: "Deployment", namespace: "prod", name });

function desired(name: string, spec: unknown, error?: string): DesiredResource {
  return {
    key: key(name),
    doc: { kind: "Deployment", metadata: { name, namespace: "prod" }, spec },
    sourcePath: `apps/${name}.yaml`,
    sourceLine: 2,
    ...(error ? { error } : {}),
  };
}

function live(name: string, spec: unknown): LiveResource {
  const hash = contentHash({ spec, labels: {}, annotations: {} });
  return {
    key: key(name),
    spec,
    labels: {},
    annotations: {},
    generation: 1,
    managedBy: "syncline",
    appliedSpecHash: hash,
    liveSpecHash: hash,
    lastCommitSHA: "abc",
    lastSyncTime: null,
    syncError: null,
    sourcePath: `apps/${name}.yaml`,
  };
}

describe("keysNeedingContent and buildWrites", () => {
  const d = [
    desired("new", { r: 1 }),
    desired("same", { r: 2 }),
    desired("stamped", { r: 2 }),
    desired("changed", { r: 5 }),
    desired("bad", { r: "x" }, "apps/bad.yaml:2: spec/r must be integer"),
  ];
  const l = [live("same", { r: 2 }), live("stamped", { r: 2 }), live("changed", { r: 3 }), live("bad", { r: 1 }), live("gone", { r: 9 })];

  it("asks for content of every live key the plan does not leave unchanged", () => {
    expect([...keysNeedingContent("Deployment", d, l)].sort()).toEqual(["bad", "changed", "gone"].map((n) => resourceKeyString(key(n))));
  });

  it("turns each action into its write, by row id", () => {
    const plan = planSync({
      kind: "Deployment",
      desired: d,
      live: l,
      fileProblems: [],
      otherKinds: {},
      policy: { prune: true, atomic: false, allowEmpty: false },
      managedBy: "syncline",
    });
    const rows = new Map(l.map((x) => [resourceKeyString(x.key), { id: `id-${x.key.name}`, spec: x.spec }]));
    const w = buildWrites(plan, rows, (r) => r.id === "id-stamped");
    expect(w.creates).toEqual([
      { key: key("new"), labels: {}, annotations: {}, spec: { r: 1 }, sourcePath: "apps/new.yaml", sourceLine: 2, hash: docContentHash(d[0]!.doc) },
    ]);
    expect(w.updates.map((u) => [u.id, u.spec, u.bumpGeneration])).toEqual([["id-changed", { r: 5 }, true]]);
    expect(w.touches).toEqual(["id-same"]);
    expect(w.untouched).toBe(1);
    expect(w.errors).toEqual([{ id: "id-bad", message: "apps/bad.yaml:2: spec/r must be integer" }]);
    expect(w.deletes).toEqual(["id-gone"]);
    expect(w.orphans).toEqual([]);
  });
});
