import { describe, expect, it } from "vitest";
import { compileHealthRules, evaluateHealth, worstHealth, type HealthRules } from "./health";
import { parseDefinitionInput } from "./definition-input";

const t0 = new Date("2027-03-01T10:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);

function run(rules: HealthRules, status: Record<string, unknown> | null, opts: { now?: number; spec?: unknown; statusAt?: number } = {}) {
  const c = compileHealthRules(rules);
  if (!c.ok) throw new Error(JSON.stringify(c.errors));
  return evaluateHealth(c.value, {
    self: { metadata: { name: "web", namespace: "prod" }, spec: opts.spec ?? { replicas: 3 }, status: status ?? {} },
    specChangedAt: t0,
    statusUpdatedAt: status === null ? null : at(opts.statusAt ?? 1),
    now: at(opts.now ?? 5),
  });
}

const replicas: HealthRules = {
  inProgress: "self.status.?readyReplicas.orValue(0) < self.spec.replicas && !self.status.?failed.orValue(false)",
  failed: "self.status.?failed.orValue(false)",
  current: "self.status.?readyReplicas.orValue(0) == self.spec.replicas",
  progressDeadlineSeconds: 60,
};

describe("health rules: Flux healthCheckExprs semantics in CEL", () => {
  it.each([
    ["Healthy when current is true", replicas, { readyReplicas: 3 }, {}, "Healthy", "spec.health.current is true"],
    ["Progressing when inProgress is true", replicas, { readyReplicas: 1 }, {}, "Progressing", "spec.health.inProgress is true"],
    ["Degraded when failed is true", replicas, { failed: true }, {}, "Degraded", "spec.health.failed is true"],
    ["inProgress is looked at before failed", { ...replicas, inProgress: "true" }, { failed: true }, {}, "Progressing", "spec.health.inProgress is true"],
    [
      "a missing field is Unknown at once, with the error",
      { current: "self.status.ready" },
      { other: 1 },
      {},
      "Unknown",
      "spec.health.current: No such key: ready",
    ],
    ["a type error is Unknown at once", { current: "self.status.ready > 1" }, { ready: "yes" }, {}, "Unknown", "spec.health.current: no such overload"],
    ["a dyn rule giving a non-bool is Unknown", { current: "self.status.ready" }, { ready: 3 }, {}, "Unknown", "not a bool"],
    [
      "optional syntax opts out of the missing-field error",
      { current: "self.status.?ready.orValue(false)" },
      {},
      {},
      "Progressing",
      "waiting for a rule to match",
    ],
    ["none true before the deadline: Progressing", { current: "false", progressDeadlineSeconds: 60 }, {}, { now: 59 }, "Progressing", "waiting"],
    [
      "none true after the deadline: Degraded",
      { current: "false", progressDeadlineSeconds: 60 },
      {},
      { now: 60 },
      "Degraded",
      "no rule matched within the deadline",
    ],
    ["default deadline is 600 s", { current: "false" }, {}, { now: 599 }, "Progressing", "waiting"],
    ["stale: no status after the spec change", { current: "true", staleAfterSeconds: 30 }, null, { now: 30 }, "Degraded", "no status from the executor"],
    [
      "stale: a status older than the spec change counts as none",
      { current: "true", staleAfterSeconds: 30 },
      {},
      { now: 31, statusAt: -5 },
      "Degraded",
      "no status from the executor",
    ],
    ["stale: before the timer, the rules decide", { current: "true", staleAfterSeconds: 30 }, null, { now: 10 }, "Healthy", "current is true"],
    [
      "conditions with a macro",
      { current: 'self.status.conditions.exists(c, c.type == "Ready" && c.status == "True")' },
      { conditions: [{ type: "Ready", status: "True" }] },
      {},
      "Healthy",
      "",
    ],
    ["metadata is bound", { current: 'self.metadata.namespace == "prod"' }, {}, {}, "Healthy", ""],
  ] as const)("%s", (_name, rules, status, opts, want, message) => {
    const r = run(rules as HealthRules, status as Record<string, unknown> | null, opts);
    expect(r.status).toBe(want);
    expect(r.message).toContain(message);
  });

  it("gives the next time to look again: the deadline, or the stale timer when earlier", () => {
    expect(run({ current: "false", progressDeadlineSeconds: 60 }, {}).dueAt).toEqual(at(60));
    expect(run({ current: "false", progressDeadlineSeconds: 60, staleAfterSeconds: 20 }, null).dueAt).toEqual(at(20));
    expect(run({ current: "true" }, {}).dueAt).toBeNull();
  });

  it("definition health is the worst of its resources", () => {
    expect(worstHealth(["Healthy", "Suspended", "Unknown", "Progressing", "Missing", "Degraded"])).toBe("Degraded");
    expect(worstHealth(["Healthy", "Progressing", "Missing"])).toBe("Missing");
    expect(worstHealth(["Healthy", "Unknown", "Progressing"])).toBe("Progressing");
    expect(worstHealth(["Healthy", "Suspended", "Unknown"])).toBe("Unknown");
    expect(worstHealth(["Healthy", "Suspended"])).toBe("Suspended");
    expect(worstHealth(["Healthy"])).toBe("Healthy");
    expect(worstHealth([null, undefined])).toBeNull();
  });
});

describe("health rules at definition save", () => {
  const def = (health: unknown) => ({
    metadata: { name: "apps.example.io" },
    spec: { group: "example.io", version: "v1", names: { kind: "App", plural: "apps" }, scope: "Namespaced", health },
  });
  const errors = (health: unknown) => {
    const r = parseDefinitionInput(def(health));
    return r.ok ? [] : r.errors;
  };

  it("accepts good rules and keeps them on the definition", () => {
    const r = parseDefinitionInput(def(replicas));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.spec.health?.current).toBe(replicas.current);
  });

  it.each([
    ["a syntax error names the field and the position", { current: "self.status.ready +" }, "spec.health.current", /Unexpected token.*line 1, column 20/],
    ["a type error names the field", { current: "true", failed: '1 + "a"' }, "spec.health.failed", /no such overload: int \+ string.*column 1/],
    ["a non-bool result is refused where the types allow", { current: "1 + 2" }, "spec.health.current", /must be a bool expression; this one gives int/],
    ["current is required", { failed: "true" }, "spec.health.current", /required/],
    ["unknown fields are refused", { current: "true", curent: "true" }, "spec.health", /unknown field: curent/],
    ["length limit", { current: `true${" && true".repeat(200)}` }, "spec.health.current", /at most 1024/],
    [
      "cost limit: too many terms",
      {
        current: Array.from({ length: 120 }, (_, i) => `self.spec.a${i}`)
          .join(" || ")
          .slice(0, 1000),
      },
      "spec.health.current",
      /maxAstNodes/,
    ],
    ["cost limit: nested macros", { current: "self.spec.a.all(x, x.b.all(y, y.c.exists(z, z)))" }, "spec.health.current", /nests macros .* 3 deep/],
    ["an empty expression", { current: " " }, "spec.health.current", /is empty/],
    ["deadline must be whole seconds", { current: "true", progressDeadlineSeconds: 1.5 }, "spec.health.progressDeadlineSeconds", /whole number/],
  ] as const)("%s", (_n, health, path, message) => {
    const e = errors(health);
    expect(e.map((x) => x.path)).toContain(path);
    expect(e.find((x) => x.path === path)?.message).toMatch(message);
  });
});
