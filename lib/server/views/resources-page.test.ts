/** The resources table's query on a real store: name sort is by name, page N of M, namespace and label filters. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { createDefinition } from "@/lib/server/data/definitions";
import { createResourceRow } from "@/lib/server/data/resources";
import { loadResourcePage, parseResourceQuery } from "@/lib/server/views/resources-page";
import type { Definition } from "@/lib/engine/types";

const def: Definition = {
  metadata: { name: "table.example.io" },
  spec: {
    group: "example.io",
    version: "v1",
    names: { kind: "Row", plural: "rows" },
    scope: "Namespaced",
    schema: { type: "object" },
    gitops: { repoURL: "https://git.example.com/r.git", branch: "main", path: "/", interval: 300 },
    syncPolicy: { automated: false, prune: false, selfHeal: false, atomic: false, allowEmpty: false },
  },
};

describe("resources table query", () => {
  let store: TestStore;
  let id: string;
  beforeAll(async () => {
    store = await openTestStore({ postgres: false });
    id = (await createDefinition(def)).id;
    for (let i = 0; i < 30; i++) {
      await createResourceRow({
        definitionId: id,
        kind: "Row",
        namespace: i % 2 ? "b" : "a",
        name: `r${String(i).padStart(2, "0")}`,
        labels: { app: i % 3 ? "web" : "db" },
        annotations: {},
        spec: {},
        liveSpecHash: `h${i}`,
      });
    }
  });
  afterAll(() => store?.close());

  const names = async (sp: Record<string, string>) => (await loadResourcePage(id, parseResourceQuery(sp))).rows.map((r) => r.name);

  it("sorts Name by name and Namespace by namespace, both ways", async () => {
    expect((await names({ size: "25" })).slice(0, 3)).toEqual(["r00", "r01", "r02"]);
    expect((await names({ dir: "desc", size: "25" })).slice(0, 2)).toEqual(["r29", "r28"]);
    expect((await names({ sort: "namespace", size: "25" })).slice(0, 3)).toEqual(["r00", "r02", "r04"]);
  });

  it("pages by number with a chosen size and counts the pages", async () => {
    const p2 = await loadResourcePage(id, parseResourceQuery({ size: "25", page: "2" }));
    expect(p2).toMatchObject({ total: 30, pages: 2 });
    expect(p2.rows.map((r) => r.name)).toEqual(["r25", "r26", "r27", "r28", "r29"]);
    // a page past the end shows the last one; an unknown size falls back to 50
    expect((await loadResourcePage(id, parseResourceQuery({ size: "25", page: "9" }))).rows).toHaveLength(5);
    expect(parseResourceQuery({ size: "7" }).size).toBe(50);
  });

  it("filters by namespace and label selector, and reports a bad selector", async () => {
    const p = await loadResourcePage(id, parseResourceQuery({ ns: "b", labels: "app=db" }));
    expect(p.rows.map((r) => r.name)).toEqual(["r03", "r09", "r15", "r21", "r27"]);
    expect((await loadResourcePage(id, parseResourceQuery({ labels: "app in (" }))).labelError).toBeTruthy();
  });
});
