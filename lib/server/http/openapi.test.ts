import { describe, expect, it } from "vitest";
import { buildOpenApi } from "./openapi";

describe("openapi document", () => {
  const doc = buildOpenApi("http://localhost:3000");

  it("derives request schemas from the zod schemas the routes use", () => {
    const def = doc.components.schemas.DefinitionInput as { properties?: Record<string, { properties?: Record<string, unknown> }> };
    expect(Object.keys(def.properties ?? {})).toEqual(expect.arrayContaining(["metadata", "spec"]));
    expect(Object.keys(def.properties?.spec?.properties ?? {})).toEqual(expect.arrayContaining(["group", "version", "names", "scope", "gitops", "syncPolicy"]));
    const sync = doc.components.schemas.SyncInput as { properties?: Record<string, unknown> };
    expect(Object.keys(sync.properties ?? {}).sort()).toEqual(["dryRun", "prune", "revision"]);
  });

  it("documents every /api/v1 route with the one error shape", () => {
    for (const p of ["/api/v1/definitions", "/api/v1/definitions/{name}/sync", "/api/v1/runs/{id}", "/api/v1/resources/{kind}/{namespace}/{name}", "/api/v1/tokens"]) {
      expect(doc.paths).toHaveProperty([p]);
    }
    expect(JSON.stringify(doc)).not.toMatch(/"\$ref":"#\/components\/schemas\/(?!Error|DefinitionInput|ResourceInput|SyncInput|RollbackInput|TokenInput|UserInput|SecretInput)/);
  });
});
