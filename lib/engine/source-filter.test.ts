import { describe, expect, it } from "vitest";
import { checkGlob, describeExclusion, SourceFilter } from "./source-filter";

describe("SourceFilter (gitops.include / exclude, .sourceignore)", () => {
  it("default include reads json/yaml/yml anywhere under the path (dot folders too), relative to the path", () => {
    const f = new SourceFilter({ path: "/deploy" });
    expect(f.check("deploy/a.yaml")).toBeNull();
    expect(f.check("deploy/.hidden/b.yml")).toBeNull();
    expect(f.check("deploy/c.JSON")).toBeNull(); // as before include existed: any case
    expect(new SourceFilter({ path: "/", include: ["**/*.yaml"] }).check("c.YAML")).toMatchObject({ source: "include" });
    expect(f.check("deploy/README.md")).toEqual({ source: "include", pattern: "" });
  });

  it("exclude globs are relative to the path and name the glob that matched", () => {
    const f = new SourceFilter({ path: "/", exclude: ["helm-chart/**", "**/kustomization.yaml"] });
    expect(f.check("helm-chart/templates/deployment.yaml")).toEqual({ source: "exclude", pattern: "helm-chart/**" });
    expect(f.check("apps/kustomization.yaml")).toEqual({ source: "exclude", pattern: "**/kustomization.yaml" });
    expect(f.check("apps/deployment.yaml")).toBeNull();
    const sub = new SourceFilter({ path: "/apps", include: ["prod/*.yaml"] });
    expect(sub.check("apps/prod/a.yaml")).toBeNull();
    expect(sub.check("apps/prod/x/a.yaml")).toMatchObject({ source: "include" });
  });

  it(".sourceignore: gitignore syntax, relative to its folder, a deeper file can re-include, reason names file and line", () => {
    const f = new SourceFilter({ path: "/" });
    f.addIgnoreFile("", "# comment\ntemplates/\n*.tmp.yaml\n");
    f.addIgnoreFile("apps", "!keep.tmp.yaml\nlocal/\n");
    expect(f.check("chart/templates/svc.yaml")).toEqual({ source: "sourceignore", pattern: "templates/", file: ".sourceignore", line: 2 });
    expect(f.check("x.tmp.yaml")).toMatchObject({ file: ".sourceignore", line: 3 });
    expect(f.check("apps/keep.tmp.yaml")).toBeNull();
    expect(f.check("apps/local/a.yaml")).toEqual({ source: "sourceignore", pattern: "local/", file: "apps/.sourceignore", line: 2 });
    expect(f.check("other/local/a.yaml")).toBeNull();
    expect(describeExclusion(f.check("apps/local/a.yaml")!)).toBe('apps/.sourceignore:2 "local/"');
  });

  it("checkGlob refuses what cannot be a glob relative to the path", () => {
    expect(checkGlob("**/*.yaml")).toBeUndefined();
    expect(checkGlob("{a,b}/**")).toBeUndefined();
    expect(checkGlob("")).toMatch(/empty/);
    expect(checkGlob("/abs/**")).toMatch(/relative to gitops.path/);
    expect(checkGlob("../up/*.yaml")).toMatch(/\.\./);
    expect(checkGlob("a/[bc")).toMatch(/not a valid glob/);
    expect(checkGlob("a/{b,c")).toMatch(/unbalanced/);
    expect(checkGlob("x".repeat(300))).toMatch(/longer than 256/);
  });
});
