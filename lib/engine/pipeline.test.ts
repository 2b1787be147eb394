/**
 * The whole pure pipeline on a fixture repository, through the engine's one entry point
 * (planFromSource: parse → collect → validate → plan), as the sync service calls it.
 */
import { describe, it, expect } from "vitest";
import { isSourceFilePath, parseSourceFile } from "./parse";
import { planFromSource, SchemaCompileError } from "./pipeline";
import { contentHash } from "./canonical";
import { maskSecrets } from "./redact";
import { definitionStatus } from "./status";
import { parseDefinitionInput } from "./definition-input";
import { isInsidePath } from "./gitops-path";
import { resourceKeyString } from "./resource-key";
import type { Definition, LiveResource } from "./types";
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

function seed(extra: Record<string, unknown> = {}): Definition {
  const raw = JSON.parse(seedDefinition) as { spec: Record<string, unknown> };
  const parsed = parseDefinitionInput({ ...raw, spec: { ...raw.spec, schema, ...extra } });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

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

/** what the store holds without reading content: hashes, no spec */
const head = (l: LiveResource): LiveResource => ({ ...l, spec: null, labels: {}, annotations: {} });

function sourceFiles(def: Definition) {
  const gitopsPath = def.spec.gitops?.path ?? "/";
  return repo.filter((f) => isInsidePath(f.path, gitopsPath) && isSourceFilePath(f.path));
}

const live = () => [liveResource("web", { image: "web:1.0.0", replicas: 3 }, { app: "web" }), liveResource("old", { image: "old:1", replicas: 1 })];

describe("pipeline: planFromSource", () => {
  it("plans a sync of the fixture repository for the seed definition", async () => {
    const def = seed();
    const parsedPaths: string[] = [];
    const { plan } = await planFromSource({
      files: sourceFiles(def),
      definition: def,
      live: live(),
      policy: def.spec.syncPolicy,
      pruneRequested: true,
      managedBy: "syncline",
      parse: (f) => {
        parsedPaths.push(f.path);
        return parseSourceFile(f);
      },
    });

    expect(parsedPaths.sort()).toEqual(["resources/api.json", "resources/broken.yaml", "resources/web.yaml"]);
    expect(plan.fileProblems).toEqual([{ path: "resources/broken.yaml", line: 7, column: 3, message: "Map keys must be unique" }]);
    expect(plan.otherKinds).toEqual({ Service: 1 });
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

    const atomic = await planFromSource({
      files: sourceFiles(def),
      definition: def,
      live: live(),
      policy: { ...def.spec.syncPolicy, atomic: true },
      managedBy: "syncline",
      parse: parseSourceFile,
    });
    expect(atomic.plan.blocked).toBe(true);
  });

  it("plans against heads and loads content only for the keys whose content differs", async () => {
    const def = seed();
    // web at the commit's content: unchanged, so its head is enough
    const web = liveResource("web", { image: "web:2.0.0", replicas: 3 }, { app: "web" });
    const old = liveResource("old", { image: "old:1", replicas: 1 });
    const asked: string[][] = [];
    const { plan, live: planned } = await planFromSource({
      files: sourceFiles(def),
      definition: def,
      live: [head(web), head(old)],
      policy: def.spec.syncPolicy,
      managedBy: "syncline",
      parse: parseSourceFile,
      loadContent: async (keys) => {
        asked.push([...keys]);
        return [old].filter((l) => keys.has(resourceKeyString(l.key)));
      },
    });
    expect(asked).toEqual([[resourceKeyString(old.key)]]);
    expect(plan.changes.find((c) => c.key.name === "web")?.action).toBe("unchanged");
    // the orphan's side is its loaded content, not an empty head
    expect(plan.changes.find((c) => c.key.name === "old")?.liveYaml).toContain("image: old:1");
    expect(planned.find((l) => l.key.name === "old")?.spec).toEqual({ image: "old:1", replicas: 1 });
    // an unchanged resource shows Git's document on both sides, though only its head was read
    expect(plan.changes.find((c) => c.key.name === "web")?.liveYaml).toContain("image: web:2.0.0");
  });

  it("masks both sides before the one diff: a changed secret is a change between two masks", async () => {
    const def = seed({ secretPaths: ["/image"] });
    const fp = (s: string) => (s.includes("web:2") ? "22222222aaaa" : "11111111bbbb");
    const mask = (spec: unknown) => maskSecrets(spec, ["/image"], fp);
    const { plan } = await planFromSource({
      files: sourceFiles(def),
      definition: def,
      live: live(),
      policy: def.spec.syncPolicy,
      managedBy: "syncline",
      parse: parseSourceFile,
      mask,
    });
    const web = plan.changes.find((c) => c.key.name === "web")!;
    expect(web.diff).toEqual([
      { path: "/spec/image", op: "modified", old: "<secret:11111111>", new: "<secret:22222222>", note: "changed (fingerprint 11111111 → 22222222)" },
    ]);
    expect(web.liveYaml).toContain("image: <secret:11111111>");
    expect(web.desiredYaml).toContain("image: <secret:22222222>");
    expect(`${web.liveYaml}${web.desiredYaml}${JSON.stringify(web.shownDoc)}`).not.toMatch(/web:[12]\.0\.0/);
    // what is written stays the real document
    expect(web.desired?.doc.spec).toEqual({ image: "web:2.0.0", replicas: 3 });
  });

  it("refuses a key another definition holds and a schema that does not compile", async () => {
    const def = seed();
    const { plan } = await planFromSource({
      files: sourceFiles(def),
      definition: def,
      live: [],
      policy: def.spec.syncPolicy,
      managedBy: "syncline",
      parse: parseSourceFile,
      heldElsewhere: new Map([[resourceKeyString({ kind: "Deployment", namespace: "prod", name: "web" }), "other.example.io"]]),
    });
    expect(plan.changes.find((c) => c.key.name === "web")?.error).toBe(
      "resources/web.yaml:1: Deployment prod/web already belongs to definition other.example.io",
    );

    const broken = { ...def, spec: { ...def.spec, schema: { type: "object", properties: { x: { type: "no-such-type" } } } } };
    await expect(
      planFromSource({ files: [], definition: broken, live: [], policy: def.spec.syncPolicy, managedBy: "syncline", parse: parseSourceFile }),
    ).rejects.toBeInstanceOf(SchemaCompileError);
  });
});
