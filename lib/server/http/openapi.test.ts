import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { buildOpenApi } from "./openapi";

describe("openapi document", () => {
  const doc = buildOpenApi("http://localhost:3000");

  it("derives request schemas from the zod schemas the routes use", () => {
    const def = doc.components.schemas.DefinitionInput as { properties?: Record<string, { properties?: Record<string, unknown> }> };
    expect(Object.keys(def.properties ?? {})).toEqual(expect.arrayContaining(["metadata", "spec"]));
    expect(Object.keys(def.properties?.spec?.properties ?? {})).toEqual(expect.arrayContaining(["group", "version", "names", "scope", "gitops", "syncPolicy"]));
    const sync = doc.components.schemas.SyncInput as { properties?: Record<string, unknown> };
    expect(Object.keys(sync.properties ?? {}).sort()).toEqual(["dryRun", "healthTimeoutSeconds", "prune", "revision", "waitForHealthy"]);
  });

  it("documents every /api/v1 route with the one error shape", () => {
    for (const p of [
      "/api/v1/definitions",
      "/api/v1/definitions/{name}/sync",
      "/api/v1/runs/{id}",
      "/api/v1/resources/{kind}/{namespace}/{name}",
      "/api/v1/tokens",
    ]) {
      expect(doc.paths).toHaveProperty([p]);
    }
    expect(JSON.stringify(doc)).not.toMatch(
      /"\$ref":"#\/components\/schemas\/(?!Error|DefinitionInput|ResourceInput|SyncInput|RollbackInput|ResourceSyncInput|TokenInput|UserInput|SecretInput)/,
    );
  });
});

/**
 * Every method that a route file under app/api exports is in the document, so a new route
 * cannot ship undocumented. Route files are read with the TypeScript parser (not imported:
 * that would start the server's modules). Folders map to paths as Next maps them:
 * `[param]` → `{param}`, `(group)` dropped.
 */
const apiDir = path.join(import.meta.dirname, "..", "..", "..", "app", "api");
const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
/** Not ours to describe: better-auth's own sign-in/session endpoints behind one catch-all route. */
const undocumented = new Set(["/api/auth/{...all}"]);

function exportedMethods(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names: string[] = [];
  for (const st of source.statements) {
    const exported = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exported && ts.isFunctionDeclaration(st) && st.name) names.push(st.name.text);
    if (exported && ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
    }
    if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const e of st.exportClause.elements) names.push(e.name.text);
    }
  }
  return names.filter((n) => (methods as readonly string[]).includes(n));
}

function apiRoutes(): { file: string; path: string; methods: string[] }[] {
  return (fs.readdirSync(apiDir, { recursive: true }) as string[])
    .filter((f) => path.basename(f) === "route.ts")
    .map((f) => {
      const segments = path
        .dirname(f)
        .split(path.sep)
        .filter((s) => !/^\(.*\)$/.test(s));
      const urlPath = "/api/" + segments.map((s) => s.replace(/^\[(.+)\]$/, "{$1}")).join("/");
      return { file: path.join("app", "api", f), path: urlPath, methods: exportedMethods(path.join(apiDir, f)) };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

describe("openapi document covers the route handlers", () => {
  const paths = buildOpenApi().paths as Record<string, Record<string, unknown>>;
  const routes = apiRoutes();

  it("reads the route files (the folder walk and the export parser work)", () => {
    expect(routes.length).toBeGreaterThanOrEqual(28);
    expect(routes.find((r) => r.path === "/api/v1/definitions/{name}")?.methods.sort()).toEqual(["DELETE", "GET", "PUT"]);
    expect(routes.find((r) => r.path === "/api/webhooks/{provider}")?.methods).toEqual(["POST"]);
    expect(routes.find((r) => r.path === "/api/auth/{...all}")?.methods.sort()).toEqual(["GET", "POST"]);
  });

  it("documents every method of every app/api route handler", () => {
    const missing = routes
      .filter((r) => !undocumented.has(r.path))
      .flatMap((r) => r.methods.filter((m) => !paths[r.path]?.[m.toLowerCase()]).map((m) => `${m} ${r.path} (${r.file})`));
    expect(missing, `route handlers missing from lib/server/http/openapi.ts:\n${missing.join("\n")}`).toEqual([]);
  });

  it("documents no path or method that has no route handler", () => {
    const served = new Map(routes.map((r) => [r.path, r.methods.map((m) => m.toLowerCase())]));
    const stale = Object.entries(paths).flatMap(([p, item]) =>
      Object.keys(item)
        .filter((k) => (methods as readonly string[]).includes(k.toUpperCase()))
        .filter((k) => !served.get(p)?.includes(k))
        .map((k) => `${k.toUpperCase()} ${p}`),
    );
    expect(stale).toEqual([]);
  });

  it("resolves every $ref to a schema in components", () => {
    const doc = buildOpenApi();
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.filter((r) => !(r in doc.components.schemas))).toEqual([]);
  });
});
