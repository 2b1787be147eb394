import { describe, it, expect } from "vitest";
import { z } from "zod";
import { definitionInputSchema, parseDefinitionInput, resourceInputSchema } from "./definition-input";
import { checkRepoUrl } from "./repo-url";
import seedDefinition from "./testdata/seed-definition.json?raw";
import seedResource from "./testdata/seed-resource.json?raw";

const seed = () => JSON.parse(seedDefinition) as { metadata: { name: string }; spec: Record<string, unknown> & { gitops: Record<string, unknown> } };

function withSpec(over: Record<string, unknown>, gitops?: Record<string, unknown>) {
  const d = seed();
  return { ...d, spec: { ...d.spec, ...over, ...(gitops ? { gitops: { ...d.spec.gitops, ...gitops } } : {}) } };
}

function errorsOf(input: unknown) {
  const r = parseDefinitionInput(input);
  if (r.ok) throw new Error("expected errors");
  return r.errors;
}

describe("parseDefinitionInput", () => {
  it("accepts the seed's definition and fills in defaults", () => {
    const r = parseDefinitionInput(seed());
    expect(r).toEqual({
      ok: true,
      value: {
        metadata: { name: "deployments.example.io" },
        spec: {
          group: "example.io",
          version: "v1",
          names: { kind: "Deployment", plural: "deployments", singular: "deployment" },
          scope: "Namespaced",
          handler: { executorType: "deployment-controller", functionName: "reconcile" },
          gitops: { repoURL: "https://github.com/example/deployments.git", branch: "main", path: "/resources", interval: 300 },
          syncPolicy: { automated: false, prune: false, selfHeal: false, atomic: false, allowEmpty: false },
          production: false,
          secretPaths: [],
        },
      },
    });
  });

  it("defaults gitops branch, path and interval, and normalises the path", () => {
    const r = parseDefinitionInput(withSpec({ gitops: { repoURL: "https://h/r.git" } }));
    expect(r.ok && r.value.spec.gitops).toEqual({ repoURL: "https://h/r.git", branch: "main", path: "/", interval: 300 });
    const p = parseDefinitionInput(withSpec({}, { path: "resources/prod/" }));
    expect(p.ok && p.value.spec.gitops?.path).toBe("/resources/prod");
  });

  it("keeps a definition without gitops, schema or handler", () => {
    const d = seed();
    const { gitops: _g, handler: _h, ...spec } = d.spec;
    const r = parseDefinitionInput({ ...d, spec });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.spec.gitops).toBeUndefined();
      expect(r.value.spec.handler).toBeUndefined();
    }
  });

  it("lists every bad field at once with its path", () => {
    const errors = errorsOf({
      metadata: { name: "Bad_Name" },
      spec: {
        group: "example.io",
        names: { kind: "deployment", plural: "Deployments" },
        scope: "Global",
        gitops: { repoURL: "ext::sh%-c%touch%/tmp/pwned", path: "../x", interval: 5, branch: "-x" },
        syncPolicy: { prune: "yes" },
        secretPaths: ["password"],
      },
    });
    expect(errors.map((e) => e.path)).toEqual([
      "metadata.name",
      "spec.version",
      "spec.names.kind",
      "spec.names.plural",
      "spec.scope",
      "spec.gitops.repoURL",
      "spec.gitops.branch",
      "spec.gitops.path",
      "spec.gitops.interval",
      "spec.syncPolicy.prune",
      "spec.secretPaths.0",
    ]);
    const byPath = Object.fromEntries(errors.map((e) => [e.path, e.message]));
    expect(byPath["spec.version"]).toBe("is required");
    expect(byPath["spec.scope"]).toBe('scope must be "Namespaced" or "Cluster"');
    expect(byPath["spec.names.kind"]).toBe("kind must be a PascalCase identifier such as Deployment");
    expect(byPath["spec.gitops.repoURL"]).toBe('the "ext" transport is not allowed; use https:// or ssh:// (or http://, file://)');
    expect(byPath["spec.gitops.path"]).toBe("path must not contain '..' segments");
    expect(byPath["spec.gitops.interval"]).toBe("interval must be at least 10 seconds");
    expect(byPath["spec.syncPolicy.prune"]).toBe("must be a boolean");
  });

  it("refuses misspelled fields instead of ignoring them", () => {
    const errors = errorsOf(withSpec({ shema: {}, syncPolicy: { prue: true } }));
    expect(errors).toEqual([
      { path: "spec.syncPolicy", message: "unknown field: prue" },
      { path: "spec", message: "unknown field: shema" },
    ]);
  });

  it("checks interval bounds and integers", () => {
    expect(errorsOf(withSpec({}, { interval: 86401 }))[0]).toEqual({
      path: "spec.gitops.interval",
      message: "interval must be at most 86400 seconds (one day)",
    });
    expect(errorsOf(withSpec({}, { interval: 30.5 }))[0]?.message).toBe("interval must be a whole number of seconds");
    expect(parseDefinitionInput(withSpec({}, { interval: 10 })).ok).toBe(true);
    expect(parseDefinitionInput(withSpec({}, { interval: 86400 })).ok).toBe(true);
  });

  it("accepts SSH repo URLs in both forms and refuses bad ones naming spec.gitops.repoURL", () => {
    for (const repoURL of ["git@github.com:example/deployments.git", "ssh://git@github.com/example/deployments.git", "ssh://github.com:2222/o/r.git"]) {
      expect(parseDefinitionInput(withSpec({}, { repoURL })).ok, repoURL).toBe(true);
    }
    const cases: Array<[string, RegExp]> = [
      ["ssh://git@github.com:0/o/r.git", /port must be a number from 1 to 65535/],
      ["ssh://git@github.com:65536/o/r.git", /port must be a number from 1 to 65535/],
      ["ssh://-oProxyCommand=touch/x", /option injection/],
      ["git@-oProxyCommand=x:repo", /option injection/],
      ["ssh://git@host/a b.git", /spaces/],
      ["ssh://git@github.com", /needs a repository path/],
      ["ssh://git:pw@github.com/o/r.git", /must not contain credentials/],
    ];
    for (const [repoURL, reason] of cases) {
      const errors = errorsOf(withSpec({}, { repoURL }));
      expect(errors[0]?.path, repoURL).toBe("spec.gitops.repoURL");
      expect(errors[0]?.message, repoURL).toMatch(reason);
    }
  });

  it("compiles the schema and reports compile errors on spec.schema", () => {
    const ok = parseDefinitionInput(withSpec({ schema: { type: "object", properties: { replicas: { type: "integer" } } } }));
    expect(ok.ok).toBe(true);
    const errors = errorsOf(withSpec({ schema: { type: "object", properties: { a: { type: "string", pattern: "(?=x)" } } } }));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe("spec.schema");
    expect(errors[0]?.message).toMatch(/^invalid schema: /);
    expect(errorsOf(withSpec({ schema: [1] }))[0]).toEqual({ path: "spec.schema", message: "must be an object" });
  });

  it("accepts syncPolicy, production, secretPaths and secretName", () => {
    const r = parseDefinitionInput(
      withSpec(
        { syncPolicy: { automated: true, prune: true }, production: true, secretPaths: ["/password", "/env/*/value"] },
        { secretName: "git-credentials" },
      ),
    );
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.spec.syncPolicy).toEqual({ automated: true, prune: true, selfHeal: false, atomic: false, allowEmpty: false });
      expect(r.value.spec.production).toBe(true);
      expect(r.value.spec.secretPaths).toEqual(["/password", "/env/*/value"]);
      expect(r.value.spec.gitops?.secretName).toBe("git-credentials");
    }
  });

  it("answers non-objects with a clear error", () => {
    expect(errorsOf(null)).toEqual([{ path: "(root)", message: "must be an object" }]);
    expect(errorsOf({})).toEqual([
      { path: "metadata", message: "is required" },
      { path: "spec", message: "is required" },
    ]);
  });

  it('exports the zod schema for OpenAPI generation (request bodies: io "input")', () => {
    expect(definitionInputSchema.safeParse(seed()).success).toBe(true);
    const json = z.toJSONSchema(definitionInputSchema, { io: "input" }) as unknown as {
      properties: { spec: { properties: { gitops: { properties: Record<string, { default?: unknown }> } }; required: string[] } };
    };
    expect(json.properties.spec.required).toEqual(["group", "version", "names", "scope"]);
    expect(json.properties.spec.properties.gitops.properties.interval?.default).toBe(300);
    expect(json.properties.spec.properties.gitops.properties.path?.default).toBe("/");
  });
});

describe("checkRepoUrl", () => {
  it.each(["https://github.com/example/deployments.git", "http://127.0.0.1:8080/repo.git", "file:///srv/git/repo.git", "/srv/git/repo.git"])(
    "accepts %s",
    (url) => expect(checkRepoUrl(url)).toBeUndefined(),
  );

  it.each([
    ["ssh://git@h:99999/r.git", /port must be a number/],
    ["ssh://-oProxyCommand=x/r.git", /option injection/],
    ["ext::sh -c id", /not allowed|spaces/],
    ["ext::id", /"ext" transport is not allowed/],
    ["git://h/r.git", /"git" transport is not allowed/],
    ["ftp://h/r.git", /"ftp" transport is not allowed/],
    ["https://user:token@github.com/o/r.git", /must not contain credentials/],
    ["https://token@github.com/o/r.git", /must not contain credentials/],
    ["file://host/repo", /must not name a host/],
    ["/srv/../etc", /'\.\.'/],
    ["-uhttps://h/r", /must not start with '-'/],
    ["relative/path", /must be an http/],
    ["https://h/r\n.git", /control/],
    ["", /must not be empty/],
  ])("refuses %s", (url, reason) => {
    expect(checkRepoUrl(url)).toMatch(reason);
  });
});

describe("resourceInputSchema", () => {
  it("accepts the seed's resource and defaults spec", () => {
    expect(resourceInputSchema.parse(JSON.parse(seedResource))).toEqual({
      kind: "Deployment",
      metadata: { name: "my-app-deployment", namespace: "production" },
      spec: { image: "myapp:v1.2.3", replicas: 3 },
    });
    expect(resourceInputSchema.parse({ kind: "Deployment", metadata: { name: "x" } }).spec).toEqual({});
  });

  it("refuses unsafe names and non-string labels", () => {
    const r = resourceInputSchema.safeParse({ kind: "Deployment", metadata: { name: "../x", namespace: "a/b", labels: { a: 1 } }, spec: {} });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues.map((i) => i.path.join("."))).toEqual(["metadata.name", "metadata.namespace", "metadata.labels.a"]);
  });
});
