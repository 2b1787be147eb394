/**
 * The whole pure pipeline on a fixture repository: parse → collect → validate → plan,
 * as the sync service composes it.
 */
import { describe, it, expect } from "vitest";
import { parseSourceFile } from "./parse";
import { collectDesired } from "./collect";
import { compileSpecValidator, validateDesired } from "./validate";
import { planSync } from "./plan";
import { contentHash } from "./canonical";
import { definitionStatus } from "./status";
import { parseDefinitionInput } from "./definition-input";
import { isInsidePath } from "./gitops-path";
import type { LiveResource } from "./types";
import webYaml from "./testdata/repo/resources/web.yaml?raw";
import apiJson from "./testdata/repo/resources/api.json?raw";
import brokenYaml from "./testdata/repo/resources/broken.yaml?raw";
import seedDefinition from "./testdata/seed-definition.json?raw";

const repo = [
  { path: "resources/web.yaml", content: webYaml },
  { path: "resources/api.json", content: apiJson },
  { path: "resources/broken.yaml", content: brokenYaml },
  { path: "README.md", content: "# not scanned" },
];

const schema = {
  type: "object",
  required: ["image", "replicas"],
  properties: { image: { type: "string" }, replicas: { type: "integer", minimum: 0 } },
};

function liveResource(name: string, spec: unknown, labels: Record<string, string> = {}): LiveResource {
  const hash = contentHash({ spec, labels });
  return {
    key: { kind: "Deployment", namespace: "prod", name },
    spec,
    labels,
    annotations: {},
    generation: 3,
    managedBy: "syncline",
    appliedSpecHash: hash,
    liveSpecHash: hash,
    lastCommitSHA: "0123abc",
    lastSyncTime: "2025-10-30T10:30:00Z",
    syncError: null,
    sourcePath: `resources/${name}.yaml`,
  };
}

describe("pipeline", () => {
  it("plans a sync of the fixture repository for the seed definition", () => {
    const parsedDef = parseDefinitionInput({ ...JSON.parse(seedDefinition), spec: { ...JSON.parse(seedDefinition).spec, schema } });
    if (!parsedDef.ok) throw new Error(JSON.stringify(parsedDef.errors));
    const def = parsedDef.value;
    const gitopsPath = def.spec.gitops?.path ?? "/";

    const files = repo
      .filter((f) => isInsidePath(f.path, gitopsPath) && /\.(json|ya?ml)$/.test(f.path))
      .map((f) => ({ path: f.path, ...parseSourceFile(f) }));
    const fileProblems = files.flatMap((f) => f.problems);
    expect(fileProblems).toEqual([{ path: "resources/broken.yaml", line: 7, column: 3, message: "Map keys must be unique" }]);

    const collected = collectDesired(files, { kind: def.spec.names.kind, scope: def.spec.scope });
    expect(collected.otherKinds).toEqual({ Service: 1 });

    const compiled = compileSpecValidator(def.spec.schema);
    if (!compiled.ok) throw new Error(compiled.errors.join());
    const desired = validateDesired(collected.desired, compiled.validate);

    const live = [liveResource("web", { image: "web:1.0.0", replicas: 3 }, { app: "web" }), liveResource("old", { image: "old:1", replicas: 1 })];
    const plan = planSync({
      kind: "Deployment",
      desired,
      live,
      fileProblems: [...fileProblems, ...collected.problems],
      otherKinds: collected.otherKinds,
      policy: def.spec.syncPolicy,
      pruneRequested: true,
      managedBy: "syncline",
    });

    expect(plan.changes.map((c) => [c.key.name, c.action, c.status, c.error ?? ""])).toEqual([
      ["api", "invalid", "Error", "resources/api.json:1: spec/replicas must be integer"],
      ["old", "skipped", "Orphaned", ""],
      ["web", "update", "OutOfSync", ""],
    ]);
    expect(plan.changes[2]?.diff).toEqual([{ path: "/spec/image", op: "modified", old: "web:1.0.0", new: "web:2.0.0" }]);
    expect(plan.pruneWithheld).toMatch(/1 file problem/);
    expect(plan.blocked).toBe(false);
    expect(plan.counts).toEqual({ create: 0, update: 1, delete: 0, unchanged: 0, invalid: 1, skipped: 1 });
    expect(definitionStatus(plan.changes)).toBe("OutOfSync");

    const atomic = planSync({
      kind: "Deployment",
      desired,
      live,
      fileProblems,
      otherKinds: {},
      policy: { ...def.spec.syncPolicy, atomic: true },
      managedBy: "syncline",
    });
    expect(atomic.blocked).toBe(true);
  });
});
