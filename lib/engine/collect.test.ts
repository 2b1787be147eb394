import { describe, it, expect } from "vitest";
import { collectDesired } from "./collect";
import { parseSourceFile, type ParsedDoc } from "./parse";
import multiDoc from "./testdata/multi-doc.yaml?raw";
import listJson from "./testdata/list.json?raw";
import protoYaml from "./testdata/proto-keys.yaml?raw";

const NS = { kind: "Deployment", scope: "Namespaced" as const };
const CLUSTER = { kind: "Deployment", scope: "Cluster" as const };

const doc = (value: unknown, line = 1, index = 0): ParsedDoc => ({ value, line, index });
const dep = (name: unknown, extra: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({
  kind: "Deployment",
  metadata: { name, namespace: "prod", ...metadata },
  ...extra,
});

describe("collectDesired", () => {
  it("gitops.targetNamespace: a document without metadata.namespace gets it, one with its own keeps it (issue 20)", () => {
    const files = [{ path: "a.yaml", docs: [doc(dep("web", {}, { namespace: undefined }), 1), doc(dep("api"), 5), doc(dep("db", {}, { namespace: 7 }), 9)] }];
    const r = collectDesired(files, { ...NS, targetNamespace: "shop" });
    expect(r.desired.map((d) => `${d.key.namespace}/${d.key.name}:${d.doc.metadata.namespace}`)).toEqual(["prod/api:prod", "shop/web:shop"]);
    expect(r.problems.map((p) => `${p.line}: ${p.message}`)).toEqual(["9: Deployment: metadata.namespace must be a string"]);
    expect(r.movedNamespace).toBe(0);
  });

  it("gitops.forceNamespace: every document goes to the target namespace and the moved ones are counted", () => {
    const files = [
      { path: "a.yaml", docs: [doc(dep("web", {}, { namespace: undefined }), 1), doc(dep("api"), 5), doc(dep("db", {}, { namespace: "shop" }), 9)] },
    ];
    const r = collectDesired(files, { ...NS, targetNamespace: "shop", forceNamespace: true });
    expect(r.desired.map((d) => `${d.key.namespace}/${d.key.name}`)).toEqual(["shop/api", "shop/db", "shop/web"]);
    expect(r.problems).toEqual([]);
    expect(r.movedNamespace).toBe(1); // only "api" said another namespace
    // Cluster-scoped definitions ignore both: a namespace in the document is still an error
    const c = collectDesired(files, { ...CLUSTER, targetNamespace: "shop", forceNamespace: true });
    expect(c.desired.map((d) => [d.key.namespace, d.error ?? ""])).toEqual([
      ["", "a.yaml:5: metadata.namespace must not be set: Deployment is Cluster-scoped"],
      ["", "a.yaml:9: metadata.namespace must not be set: Deployment is Cluster-scoped"],
      ["", ""],
    ]);
  });

  it("keeps our kind from parsed fixtures and counts other kinds", () => {
    const files = [
      { path: "multi.yaml", docs: parseSourceFile({ path: "multi.yaml", content: multiDoc }).docs },
      { path: "list.json", docs: parseSourceFile({ path: "list.json", content: listJson }).docs },
    ];
    const r = collectDesired(files, NS);
    expect(r.problems).toEqual([]);
    expect(r.otherKinds).toEqual({ Service: 2 });
    expect(r.desired.map((d) => [d.key, d.sourcePath, d.sourceLine, d.error])).toEqual([
      [{ kind: "Deployment", namespace: "prod", name: "api" }, "list.json", 10, undefined],
      [{ kind: "Deployment", namespace: "prod", name: "web" }, "list.json", 4, "defined twice: list.json:4 and multi.yaml:2"],
      [{ kind: "Deployment", namespace: "prod", name: "web" }, "multi.yaml", 2, "defined twice: list.json:4 and multi.yaml:2"],
    ]);
  });

  it("normalises to the seed shape with spec defaulting to {}", () => {
    const r = collectDesired([{ path: "a.yaml", docs: [doc({ ...dep("web"), extra: 1, status: { x: 1 } }, 3)] }], NS);
    expect(r.desired).toEqual([
      {
        key: { kind: "Deployment", namespace: "prod", name: "web" },
        doc: { kind: "Deployment", metadata: { name: "web", namespace: "prod" }, spec: {} },
        sourcePath: "a.yaml",
        sourceLine: 3,
      },
    ]);
  });

  it("keeps labels and annotations when they are string maps", () => {
    const r = collectDesired([{ path: "a.yaml", docs: [doc(dep("web", { spec: { r: 1 } }, { labels: { app: "web" }, annotations: { note: "x" } }))] }], NS);
    expect(r.desired[0]?.doc).toEqual({
      kind: "Deployment",
      metadata: { name: "web", namespace: "prod", labels: { app: "web" }, annotations: { note: "x" } },
      spec: { r: 1 },
    });
    expect(r.desired[0]?.error).toBeUndefined();
  });

  it("counts non-objects and documents without kind under (none)", () => {
    const r = collectDesired([{ path: "a.yaml", docs: [doc(null), doc([1]), doc("text"), doc({ metadata: {} }), doc({ kind: 5 })] }], NS);
    expect(r.otherKinds).toEqual({ "(none)": 5 });
    expect(r.desired).toEqual([]);
    expect(r.problems).toEqual([]);
  });

  it("reports documents of our kind without a usable key as problems", () => {
    const r = collectDesired(
      [
        {
          path: "bad.yaml",
          docs: [
            doc({ kind: "Deployment" }, 1),
            doc({ kind: "Deployment", metadata: { name: 42, namespace: "prod" } }, 5),
            doc({ kind: "Deployment", metadata: { name: "web" } }, 9),
            doc(dep("a/b"), 12),
            doc(dep("a..b"), 13),
            doc(dep("Web"), 14),
            doc(dep("web\u0000x"), 15),
            doc(dep("we\u200bb"), 16),
            doc(dep("web\u202e"), 17),
            doc(dep("x".repeat(10_000)), 18),
            doc(dep("web", {}, { namespace: "Prod_1" }), 19),
            doc(dep("web", {}, { namespace: "n".repeat(64) }), 20),
            doc(dep(""), 21),
          ],
        },
      ],
      NS,
    );
    expect(r.desired).toEqual([]);
    expect(r.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      "1: Deployment: metadata must be an object with a name",
      "5: Deployment: metadata.name must be a string",
      "9: Deployment: metadata.namespace is required for the Namespaced kind Deployment (set spec.gitops.targetNamespace)",
      `12: Deployment: metadata.name "a/b" must not contain '/'`,
      `13: Deployment: metadata.name "a..b" must not contain '..'`,
      `14: Deployment: metadata.name "Web" must consist of lowercase letters, digits, '-' and '.', and start and end with a letter or digit`,
      "15: Deployment: metadata.name contains control or invisible characters",
      "16: Deployment: metadata.name contains control or invisible characters",
      "17: Deployment: metadata.name contains control or invisible characters",
      "18: Deployment: metadata.name is longer than 253 characters",
      `19: Deployment: metadata.namespace "Prod_1" must consist of lowercase letters, digits and '-', and start and end with a letter or digit`,
      "20: Deployment: metadata.namespace is longer than 63 characters",
      "21: Deployment: metadata.name must not be empty",
    ]);
    expect(r.problems.every((p) => p.path === "bad.yaml" && p.message.length < 200)).toBe(true);
  });

  it("turns unusable documents with a key into DesiredResources with an error", () => {
    const r = collectDesired(
      [
        {
          path: "a.yaml",
          docs: [
            doc(dep("labels", {}, { labels: { app: 1 } }), 1),
            doc(dep("annotations", {}, { annotations: ["x"] }), 2),
            doc(dep("spec", { spec: [1, 2] }), 3),
          ],
        },
      ],
      NS,
    );
    expect(r.problems).toEqual([]);
    expect(r.desired.map((d) => [d.key.name, d.error])).toEqual([
      ["annotations", "a.yaml:2: metadata.annotations must be a map of strings"],
      ["labels", "a.yaml:1: metadata.labels.app must be a string"],
      ["spec", "a.yaml:3: spec must be an object"],
    ]);
  });

  it("uses namespace '' for Cluster scope and refuses a namespace there", () => {
    const r = collectDesired([{ path: "c.yaml", docs: [doc({ kind: "Deployment", metadata: { name: "global" } }, 1), doc(dep("scoped"), 7)] }], CLUSTER);
    expect(r.desired.map((d) => [d.key, d.doc.metadata, d.error])).toEqual([
      [{ kind: "Deployment", namespace: "", name: "global" }, { name: "global" }, undefined],
      [{ kind: "Deployment", namespace: "", name: "scoped" }, { name: "scoped" }, "c.yaml:7: metadata.namespace must not be set: Deployment is Cluster-scoped"],
    ]);
  });

  it("names every copy when a key is defined three times, in the same file too", () => {
    const r = collectDesired(
      [
        { path: "b.yaml", docs: [doc(dep("web"), 1)] },
        { path: "a.yaml", docs: [doc(dep("web"), 3), doc(dep("web"), 9)] },
      ],
      NS,
    );
    expect(r.desired).toHaveLength(3);
    for (const d of r.desired) expect(d.error).toBe("defined 3 times: a.yaml:3, a.yaml:9 and b.yaml:1");
  });

  it("does not read inherited members and keeps hostile keys inert", () => {
    const parsed = parseSourceFile({ path: "p.yaml", content: protoYaml });
    const r = collectDesired([{ path: "p.yaml", docs: parsed.docs }], NS);
    expect(r.desired).toHaveLength(1);
    const d = r.desired[0];
    expect(d?.doc.metadata.labels).toEqual({ constructor: "x" });
    const spec = d?.doc.spec as Record<string, unknown>;
    expect(Object.keys(spec)).toEqual(["deep", "prototype"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // a kind-less object whose inherited "constructor" would be a function
    const r2 = collectDesired([{ path: "x.yaml", docs: [doc({ kind: "Deployment", metadata: { namespace: "prod" } })] }], NS);
    expect(r2.problems[0]?.message).toBe("Deployment: metadata.name must be a string");
  });

  it("counts a document whose kind is __proto__ without touching prototypes", () => {
    const value = JSON.parse('{"kind": "__proto__"}') as unknown;
    const r = collectDesired([{ path: "x.json", docs: [doc(value), doc(value)] }], NS);
    expect(Object.getOwnPropertyDescriptor(r.otherKinds, "__proto__")?.value).toBe(2);
    expect(Object.getPrototypeOf(r.otherKinds)).toBe(Object.prototype);
  });
});
