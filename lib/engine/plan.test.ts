import { describe, it, expect } from "vitest";
import { planSync, type PlanInput } from "./plan";
import { contentHash } from "./canonical";
import type { DesiredResource, LiveResource, ResourceKey } from "./types";

const key = (name: string, namespace = "prod"): ResourceKey => ({ kind: "Deployment", namespace, name });

function desired(name: string, spec: unknown, opts: { labels?: Record<string, string>; error?: string; ns?: string } = {}): DesiredResource {
  const ns = opts.ns ?? "prod";
  return {
    key: key(name, ns),
    doc: { kind: "Deployment", metadata: { name, namespace: ns, ...(opts.labels ? { labels: opts.labels } : {}) }, spec },
    sourcePath: `apps/${name}.yaml`,
    sourceLine: 1,
    ...(opts.error ? { error: opts.error } : {}),
  };
}

function live(name: string, spec: unknown, opts: Partial<LiveResource> & { ns?: string } = {}): LiveResource {
  const labels = opts.labels ?? {};
  const annotations = opts.annotations ?? {};
  const hash = contentHash({ spec, labels, annotations });
  return {
    key: key(name, opts.ns ?? "prod"),
    spec,
    labels,
    annotations,
    generation: 1,
    managedBy: "syncline",
    appliedSpecHash: hash,
    liveSpecHash: hash,
    lastCommitSHA: "abc",
    lastSyncTime: "2025-01-01T00:00:00Z",
    syncError: null,
    sourcePath: `apps/${name}.yaml`,
    ...opts,
  };
}

const base = (over: Partial<PlanInput>): PlanInput => ({
  kind: "Deployment",
  desired: [],
  live: [],
  fileProblems: [],
  otherKinds: {},
  policy: { prune: false, atomic: false, allowEmpty: false },
  managedBy: "syncline",
  ...over,
});

describe("planSync", () => {
  it("creates, updates and leaves unchanged with statuses, diffs and YAML", () => {
    const plan = planSync(
      base({
        desired: [desired("new", { replicas: 1 }), desired("same", { replicas: 2 }), desired("changed", { replicas: 5 }, { labels: { app: "x" } })],
        live: [live("same", { replicas: 2 }), live("changed", { replicas: 3 })],
      }),
    );
    expect(plan.changes.map((c) => [c.key.name, c.action, c.status, c.drifted])).toEqual([
      ["changed", "update", "OutOfSync", false],
      ["new", "create", "Missing", false],
      ["same", "unchanged", "Synced", false],
    ]);
    expect(plan.counts).toEqual({ create: 1, update: 1, delete: 0, unchanged: 1, invalid: 0, skipped: 0 });
    const changed = plan.changes[0];
    expect(changed?.diff).toEqual([
      { path: "/metadata/labels", op: "added", new: { app: "x" } },
      { path: "/spec/replicas", op: "modified", old: 3, new: 5 },
    ]);
    expect(changed?.liveYaml).toBe("kind: Deployment\nmetadata:\n  name: changed\n  namespace: prod\nspec:\n  replicas: 3\n");
    expect(changed?.desiredYaml).toBe("kind: Deployment\nmetadata:\n  labels:\n    app: x\n  name: changed\n  namespace: prod\nspec:\n  replicas: 5\n");
    expect(changed?.desired?.key.name).toBe("changed");
    expect(changed?.sourcePath).toBe("apps/changed.yaml");
    const created = plan.changes[1];
    expect(created?.liveYaml).toBe("");
    expect(created?.diff).toEqual([{ path: "/spec", op: "added", new: { replicas: 1 } }]);
    expect(plan.changes[2]?.diff).toEqual([]);
    expect(plan.changes[2]?.desired).toBeUndefined();
    expect(plan.blocked).toBe(false);
    expect(plan.pruneWithheld).toBeUndefined();
  });

  it("compares by content, not key order", () => {
    const plan = planSync(base({ desired: [desired("a", { x: 1, y: { p: 1, q: 2 } })], live: [live("a", { y: { q: 2, p: 1 }, x: 1 })] }));
    expect(plan.changes[0]?.action).toBe("unchanged");
  });

  it("marks drift when the live spec changed outside Git", () => {
    const drifted = live("a", { replicas: 9 }, { appliedSpecHash: contentHash({ spec: { replicas: 1 } }) });
    const plan = planSync(base({ desired: [desired("a", { replicas: 1 })], live: [drifted] }));
    expect(plan.changes[0]).toMatchObject({ action: "update", status: "OutOfSync", drifted: true });
    const neverApplied = live("b", { r: 1 }, { appliedSpecHash: null, liveSpecHash: "x" });
    expect(planSync(base({ desired: [desired("b", { r: 1 })], live: [neverApplied] })).changes[0]?.drifted).toBe(false);
  });

  it("keeps invalid resources out of create/update and carries the error", () => {
    const plan = planSync(
      base({
        desired: [desired("bad", { replicas: "x" }, { error: "apps/bad.yaml:1: spec/replicas must be integer" }), desired("new-bad", {}, { error: "e" })],
        live: [live("bad", { replicas: 1 })],
      }),
    );
    expect(plan.changes.map((c) => [c.key.name, c.action, c.status, c.error, c.desired])).toEqual([
      ["bad", "invalid", "Error", "apps/bad.yaml:1: spec/replicas must be integer", undefined],
      ["new-bad", "invalid", "Error", "e", undefined],
    ]);
    expect(plan.blocked).toBe(false);
    expect(planSync(base({ desired: [desired("x", {}, { error: "e" })], policy: { prune: false, atomic: true, allowEmpty: false } })).blocked).toBe(true);
  });

  it("blocks an atomic run on file problems too", () => {
    const plan = planSync(
      base({
        desired: [desired("a", {})],
        fileProblems: [{ path: "x.yaml", line: 1, message: "bad" }],
        policy: { prune: false, atomic: true, allowEmpty: false },
      }),
    );
    expect(plan.blocked).toBe(true);
    expect(plan.fileProblems).toHaveLength(1);
  });

  it("shows one change for a key defined twice", () => {
    const err = "defined twice: a.yaml:1 and b.yaml:1";
    const plan = planSync(base({ desired: [desired("dup", { a: 1 }, { error: err }), desired("dup", { a: 2 }, { error: err })] }));
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ action: "invalid", error: err });
  });

  it("skips orphans without prune and deletes them with prune", () => {
    const input = base({ desired: [desired("keep", {})], live: [live("keep", {}), live("gone", { r: 1 })] });
    const noPrune = planSync(input);
    expect(noPrune.changes.find((c) => c.key.name === "gone")).toMatchObject({ action: "skipped", status: "Orphaned", desiredYaml: "" });
    expect(noPrune.pruneWithheld).toBeUndefined();
    const pruned = planSync({ ...input, policy: { prune: true, atomic: false, allowEmpty: false } });
    const gone = pruned.changes.find((c) => c.key.name === "gone");
    expect(gone).toMatchObject({ action: "delete", status: "Orphaned", sourcePath: "apps/gone.yaml" });
    expect(gone?.diff).toEqual([{ path: "/spec", op: "removed", old: { r: 1 } }]);
    const labelled = planSync(base({ desired: [desired("l", {}, { labels: { app: "l" } })] }));
    expect(labelled.changes[0]?.diff).toEqual([
      { path: "/metadata/labels", op: "added", new: { app: "l" } },
      { path: "/spec", op: "added", new: {} },
    ]);
    expect(planSync({ ...input, pruneRequested: true }).counts.delete).toBe(1);
  });

  it("never lists live resources it does not manage", () => {
    const foreign = live("manual", {}, { managedBy: null });
    const other = live("other", {}, { managedBy: "someone-else" });
    const plan = planSync(base({ desired: [desired("a", {})], live: [foreign, other], policy: { prune: true, atomic: false, allowEmpty: false } }));
    expect(plan.changes.map((c) => c.key.name)).toEqual(["a"]);
  });

  it("adopts a live resource of the same key that Git now defines", () => {
    const plan = planSync(base({ desired: [desired("manual", { r: 2 })], live: [live("manual", { r: 1 }, { managedBy: null })] }));
    expect(plan.changes[0]?.action).toBe("update");
  });

  it("withholds prune when the path is missing", () => {
    const plan = planSync(base({ live: [live("a", {})], pathMissing: true, policy: { prune: true, atomic: false, allowEmpty: true } }));
    expect(plan.changes[0]?.action).toBe("skipped");
    expect(plan.pruneWithheld).toMatch(/path does not exist/);
  });

  it("withholds prune of everything unless allowEmpty", () => {
    const input = base({ live: [live("a", {}), live("b", {})], policy: { prune: true, atomic: false, allowEmpty: false } });
    const withheld = planSync(input);
    expect(withheld.counts).toMatchObject({ delete: 0, skipped: 2 });
    expect(withheld.pruneWithheld).toMatch(/no Deployment resources; set syncPolicy.allowEmpty/);
    const allowed = planSync({ ...input, policy: { prune: true, atomic: false, allowEmpty: true } });
    expect(allowed.counts).toMatchObject({ delete: 2, skipped: 0 });
    expect(allowed.pruneWithheld).toBeUndefined();
  });

  it("withholds prune while files have problems (they may hide resources)", () => {
    const plan = planSync(
      base({
        desired: [desired("a", {})],
        live: [live("a", {}), live("in-broken-file", {})],
        fileProblems: [{ path: "apps/in-broken-file.yaml", line: 3, message: "Map keys must be unique" }],
        pruneRequested: true,
      }),
    );
    expect(plan.changes.find((c) => c.key.name === "in-broken-file")?.action).toBe("skipped");
    expect(plan.pruneWithheld).toMatch(/1 file problem/);
  });

  it("sorts by namespace then name and ignores live resources of other kinds", () => {
    const otherKind = { ...live("z", {}), key: { kind: "Service", namespace: "prod", name: "z" } };
    const plan = planSync(
      base({ desired: [desired("b", {}, { ns: "a-ns" }), desired("a", {}, { ns: "b-ns" }), desired("a", {}, { ns: "a-ns" })], live: [otherKind] }),
    );
    expect(plan.changes.map((c) => `${c.key.namespace}/${c.key.name}`)).toEqual(["a-ns/a", "a-ns/b", "b-ns/a"]);
  });

  it("passes otherKinds and fileProblems through and counts every action", () => {
    const plan = planSync(base({ otherKinds: { Service: 2 } }));
    expect(plan).toEqual({
      changes: [],
      counts: { create: 0, update: 0, delete: 0, unchanged: 0, invalid: 0, skipped: 0 },
      fileProblems: [],
      otherKinds: { Service: 2 },
      blocked: false,
    });
  });
});
