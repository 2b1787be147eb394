/**
 * Hardening — parsing and validation through a full sync run: hostile files in a real
 * repository, each reported per file with line and column, the run finishing in well under
 * a second of parse time, no prototype ever changed. The engine's own tests check the parser
 * on these inputs in isolation (lib/engine/parse.test.ts); these check the pipeline.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { createResource, listResources, getResourceView } from "@/lib/server/services/resources";
import { AppError } from "@/lib/server/errors";
import { getRunWithChanges } from "@/lib/server/services/runs";
import { computeDiff } from "@/lib/server/services/sync";
import { parseSourceFile } from "@/lib/engine/parse";
import { collectDesired } from "@/lib/engine/collect";
import { compileSpecValidator, validateDesired } from "@/lib/engine/validate";
import type { Principal } from "@/lib/server/auth/principal";
import type { RunRow } from "@/lib/server/data/runs";
import { defineWidgets, logOf, makeAdmin, syncNow } from "./support";

const protoSnapshot = () => ({
  object: Object.getOwnPropertyNames(Object.prototype).sort().join(","),
  array: Object.getOwnPropertyNames(Array.prototype).sort().join(","),
  fn: Object.getOwnPropertyNames(Function.prototype).sort().join(","),
  polluted: ({} as Record<string, unknown>).polluted,
  isAdmin: ({} as Record<string, unknown>).isAdmin,
  toStringOk: typeof Object.prototype.toString === "function",
});

describe("hardening: parsing and validation", () => {
  let store: TestStore;
  let fx: GitFixture;
  let admin: Principal;

  beforeAll(async () => {
    store = await openTestStore();
    fx = await startGitFixture();
    admin = await makeAdmin();
  });
  afterAll(async () => {
    await fx?.close();
    await store?.close();
  });

  describe("hostile files in one repository", () => {
    let run: RunRow;
    let log: string;
    const NAME = "hostile.example.io";
    const ok = (name: string, extra = "") => `kind: Hostile\nmetadata: {name: ${name}, namespace: p}\nspec: {replicas: 1${extra}}\n`;

    beforeAll(async () => {
      const repo = fx.repo("hostile");
      const deepYaml = "kind: Hostile\nspec: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n";
      const deepJson = '{"kind":"Hostile","spec":' + '{"a":'.repeat(20_000) + "1" + "}".repeat(20_000) + "}";
      const bomb = [
        "a: &a [x, x, x, x, x, x, x, x, x, x]",
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]",
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]",
        "kind: Hostile",
        "metadata: {name: bomb, namespace: p}",
        "spec: {replicas: 1, boom: *g}",
      ].join("\n");
      commitFiles(
        repo.dir,
        {
          "resources/good.yaml": ok("good"),
          "resources/alias-bomb.yaml": bomb + "\n",
          "resources/self-alias.yaml": "kind: Hostile\nmetadata: {name: selfref, namespace: p}\nspec: &s {replicas: 1, me: *s}\n",
          "resources/deep.yaml": deepYaml,
          "resources/deep.json": deepJson,
          "resources/dup-keys.yaml": "kind: Hostile\nmetadata: {name: dupy, namespace: p}\nspec:\n  replicas: 1\n  replicas: 2\n",
          "resources/dup-keys.json":
            '{\n  "kind": "Hostile",\n  "metadata": {"name": "dupj", "namespace": "p"},\n  "spec": {"replicas": 1, "replicas": 2}\n}\n',
          "resources/multi.yaml": `${ok("multi-a")}---\nkind: Hostile\nmetadata: {name: multi-bad, namespace: p}\nspec: {replicas: [unclosed\n---\n${ok("multi-c")}`,
          "resources/bom.yaml": "\ufeff" + ok("bom"),
          "resources/crlf.yaml":
            ok("crlf").replace(/\n/g, "\r\n") + "---\r\nkind: Hostile\r\nmetadata: {name: crlf-bad, namespace: p}\r\nspec: {replicas: 1\r\n",
          "resources/tabs.yaml": "kind: Hostile\nmetadata:\n\tname: tabbed\n\tnamespace: p\nspec: {replicas: 1}\n",
          "resources/invalid-utf8.yaml": Buffer.concat([
            Buffer.from('kind: Hostile\nmetadata: {name: utf, namespace: p}\nspec: {note: "'),
            Buffer.from([0xc3, 0x28, 0xff]),
            Buffer.from('"}\n'),
          ]),
          "resources/nul.yaml": 'kind: Hostile\nmetadata: {name: nul, namespace: p}\nspec: {note: "a\u0000b"}\n',
          "resources/binary.yaml": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xfe]),
          "resources/js-function.yaml":
            "kind: Hostile\nmetadata: {name: jsfn, namespace: p}\nspec:\n  replicas: 1\n  hook: !!js/function 'function () { globalThis.pwned = true }'\n",
          "resources/unknown-tag.yaml": "kind: Hostile\nmetadata: {name: tagged, namespace: p}\nspec:\n  replicas: 1\n  x: !custom {a: 1}\n",
          "resources/yaml11.yaml":
            "%YAML 1.1\n---\nkind: Hostile\nmetadata: {name: yaml-traps, namespace: p}\nspec:\n  replicas: 1\n  enabled: yes\n  off: no\n  mode: 012\n  version: 1.10\n  '<<': {merged: true}\n",
        },
        "hostile files",
      );
      await defineWidgets(
        {
          name: NAME,
          kind: "Hostile",
          repoURL: repo.url,
          schema: { type: "object", properties: { replicas: { type: "integer" } } },
        },
        admin,
      );
      const t0 = Date.now();
      run = await syncNow(NAME, admin);
      // the whole run (fetch, parse, plan, apply) — parsing 20,000-deep nesting and an alias bomb included
      expect(Date.now() - t0).toBeLessThan(5_000);
      log = logOf(run);
    });

    const problemLine = (file: string) => log.split("\n").find((l) => l.includes(`file problem: resources/${file}:`)) ?? "";

    it("the run finishes Succeeded with the good documents applied; no hostile file crashes or hangs it", async () => {
      expect(run.phase).toBe("Succeeded");
      const names = (await listResources({ kind: "Hostile", limit: 100 })).items.map((r) => r.metadata.name).sort();
      expect(names).toEqual(["bom", "crlf", "good", "multi-a", "multi-c", "yaml-traps"]);
      expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
    });

    const cases: Array<[string, string, RegExp, { line: number; column?: boolean }]> = [
      ["an alias bomb", "alias-bomb.yaml", /too many aliases \(more than maxAliasCount 100\)/, { line: 1 }],
      ["a self-referencing alias", "self-alias.yaml", /circular through aliases/, { line: 1 }],
      ["20,000-deep YAML nesting", "deep.yaml", /nested deeper than 100 levels \(maxDepth\)/, { line: 2 }],
      ["20,000-deep JSON nesting", "deep.json", /nested deeper than 100 levels \(maxDepth\)/, { line: 1 }],
      ["duplicate YAML keys", "dup-keys.yaml", /unique|duplicate/i, { line: 5 }],
      ["duplicate JSON keys", "dup-keys.json", /duplicate key "replicas"/, { line: 4 }],
      ["the bad document of a multi-document file", "multi.yaml", /flow|collection|unclosed|expected/i, { line: 8 }],
      ["a CRLF file's bad second document", "crlf.yaml", /flow|collection|expected/i, { line: 8 }],
      ["tabs used as indentation", "tabs.yaml", /tab/i, { line: 3 }],
      ["invalid UTF-8", "invalid-utf8.yaml", /UTF-8/, { line: 3 }],
      ["a NUL byte", "nul.yaml", /NUL|binary|control/i, { line: 3 }],
      ["a binary file named .yaml", "binary.yaml", /binary file \(contains NUL bytes\); not parsed/, { line: 3 }],
      ["a !!js/function tag", "js-function.yaml", /tag.*not supported|unresolved tag|js\/function/i, { line: 5 }],
      ["an unknown !custom tag", "unknown-tag.yaml", /tag/i, { line: 5 }],
    ];
    for (const [what, file, message, at] of cases) {
      it(`${what} is reported for ${file} with line and column and nothing from it is applied`, () => {
        const line = problemLine(file);
        expect(line, `log:\n${log}`).toMatch(new RegExp(`file problem: resources/${file.replace(/\./g, "\\.")}:${at.line}:\\d+: `));
        expect(line).toMatch(message);
        expect(line.length).toBeLessThan(600);
      });
    }

    it("a BOM and CRLF line endings are accepted, with correct lines", async () => {
      const bom = await getResourceView({ kind: "Hostile", namespace: "p", name: "bom" });
      expect(bom.status.sourceLine).toBe(1);
      expect(bom.spec).toEqual({ replicas: 1 });
      const crlf = await getResourceView({ kind: "Hostile", namespace: "p", name: "crlf" });
      expect(crlf.spec).toEqual({ replicas: 1 });
    });

    it("YAML 1.1 traps are read with the 1.2 core schema: yes/no stay strings, 012 is 12, 1.10 is 1.1, << is a plain key", async () => {
      const r = await getResourceView({ kind: "Hostile", namespace: "p", name: "yaml-traps" });
      expect(r.spec).toEqual({ replicas: 1, enabled: "yes", off: "no", mode: 12, version: 1.1, "<<": { merged: true } });
    });
  });

  describe("prototype keys", () => {
    it("__proto__, constructor and prototype at any depth in YAML and JSON: constructor/prototype are stored as inert data, __proto__ is refused naming the path (the store would drop it); no prototype changes after parse, diff, apply and read", async () => {
      const before = protoSnapshot();
      const repo = fx.repo("proto");
      commitFiles(
        repo.dir,
        {
          "resources/proto.yaml": [
            "kind: Proto",
            "metadata: {name: py, namespace: p}",
            "spec:",
            "  replicas: 1",
            "  nested: {deep: {__proto__: {polluted: yes}}}",
            "",
          ].join("\n"),
          "resources/labels.yaml": "kind: Proto\nmetadata:\n  name: pl\n  namespace: p\n  labels: {__proto__: evil}\nspec: {}\n",
          "resources/proto.json": '{"kind":"Proto","metadata":{"name":"pj","namespace":"p"},"spec":{"list":[{"__proto__":{"isAdmin":true}}]}}',
          "resources/inert.yaml": [
            "kind: Proto",
            "metadata: {name: inert, namespace: p, labels: {constructor: c, prototype: p}}",
            "spec:",
            "  constructor: {prototype: {polluted: yes}}",
            "  nested: {deep: {prototype: {isAdmin: true}, toString: x, hasOwnProperty: y}}",
            "",
          ].join("\n"),
          "resources/inert.json":
            '{"kind":"Proto","metadata":{"name":"inert-json","namespace":"p"},"spec":{"constructor":{"prototype":{"polluted":"yes"}},"a":[{"prototype":1,"valueOf":2}]}}',
        },
        "proto",
      );
      await defineWidgets({ name: "proto.example.io", kind: "Proto", repoURL: repo.url, schema: { type: "object" } }, admin);
      const diff = await computeDiff("proto.example.io");
      expect(protoSnapshot()).toEqual(before);
      expect(diff.counts.create).toBe(2);
      expect(diff.counts.invalid).toBe(3);
      const run = await syncNow("proto.example.io", admin);
      expect(run.phase).toBe("Succeeded");
      expect(protoSnapshot()).toEqual(before);
      const full = await getRunWithChanges(run.id);
      const err = (n: string) => full.changes.find((c) => c.name === n)?.error ?? "";
      expect(err("py")).toMatch(/resources\/proto\.yaml:1: spec\.nested\.deep\.__proto__: the key "__proto__" is not allowed/);
      expect(err("pj")).toMatch(/resources\/proto\.json:1: spec\.list\.0\.__proto__: the key "__proto__" is not allowed/);
      expect(err("pl")).toMatch(/resources\/labels\.yaml:1: metadata\.labels\.__proto__: the key "__proto__" is not allowed/);
      expect((await listResources({ kind: "Proto" })).items.map((r) => r.metadata.name).sort()).toEqual(["inert", "inert-json"]);
      const inert = await getResourceView({ kind: "Proto", namespace: "p", name: "inert" });
      expect(inert.spec).toEqual({
        constructor: { prototype: { polluted: "yes" } },
        nested: { deep: { prototype: { isAdmin: true }, toString: "x", hasOwnProperty: "y" } },
      });
      expect(Object.getOwnPropertyDescriptor(inert.metadata.labels, "constructor")?.value).toBe("c");
      const ij = await getResourceView({ kind: "Proto", namespace: "p", name: "inert-json" });
      expect(ij.spec).toEqual({ constructor: { prototype: { polluted: "yes" } }, a: [{ prototype: 1, valueOf: 2 }] });
      // the stored data reads back as Git has it: the next plan is "unchanged", not an endless update
      const again = await computeDiff("proto.example.io");
      expect(again.counts.unchanged).toBe(2);
      expect(again.counts.update).toBe(0);
      // the resources API refuses __proto__ the same way (it would be dropped on write)
      const viaApi = await createResource(
        JSON.parse('{"kind":"Proto","metadata":{"name":"api","namespace":"p"},"spec":{"a":{"__proto__":{"polluted":1}}}}'),
        admin,
      ).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(viaApi?.status).toBe(400);
      expect(viaApi?.message).toMatch(/spec\.a\.__proto__: the key "__proto__" is not allowed/);
      expect(protoSnapshot()).toEqual(before);
    });
  });

  describe("keys and names", () => {
    it("the same resource defined twice across files is invalid, naming both files; nothing of it is applied", async () => {
      const repo = fx.repo("dups");
      commitFiles(
        repo.dir,
        {
          "resources/team-a/app.yaml": "kind: Dup\nmetadata: {name: app, namespace: p}\nspec: {replicas: 1}\n",
          "resources/team-b/app.json": JSON.stringify({ kind: "Dup", metadata: { name: "app", namespace: "p" }, spec: { replicas: 2 } }),
          "resources/other.yaml": "kind: Dup\nmetadata: {name: other, namespace: p}\nspec: {replicas: 3}\n",
        },
        "dup",
      );
      await defineWidgets({ name: "dup.example.io", kind: "Dup", repoURL: repo.url }, admin);
      const run = await syncNow("dup.example.io", admin);
      expect(run.phase).toBe("Succeeded");
      const full = await getRunWithChanges(run.id);
      const app = full.changes.filter((c) => c.name === "app");
      expect(app.map((c) => c.action)).toEqual(["invalid"]);
      expect(app[0]!.error).toMatch(/defined twice: resources\/team-a\/app\.yaml:1 and resources\/team-b\/app\.json:1/);
      expect((await listResources({ kind: "Dup" })).items.map((r) => r.metadata.name)).toEqual(["other"]);
    });

    it("names with '/', '..', control characters, zero-width or RTL characters and 10,000 characters are refused naming the rule", async () => {
      const repo = fx.repo("names");
      const doc = (name: string) => JSON.stringify({ kind: "Nm", metadata: { name, namespace: "p" }, spec: { replicas: 1 } });
      commitFiles(
        repo.dir,
        {
          "resources/slash.json": doc("a/b"),
          "resources/dots.json": doc("a..b"),
          "resources/parent.json": doc(".."),
          "resources/control.json": doc("a\u0007b"),
          "resources/zero-width.json": doc("adm\u200bin"),
          "resources/rtl.json": doc("abc\u202edef"),
          "resources/long.json": doc("a".repeat(10_000)),
          "resources/ns.json": JSON.stringify({ kind: "Nm", metadata: { name: "ok", namespace: "../etc" }, spec: { replicas: 1 } }),
          "resources/fine.json": doc("fine"),
        },
        "names",
      );
      await defineWidgets({ name: "nm.example.io", kind: "Nm", repoURL: repo.url }, admin);
      const run = await syncNow("nm.example.io", admin);
      expect(run.phase).toBe("Succeeded");
      const log = logOf(run);
      const rules: Array<[string, RegExp]> = [
        ["slash.json", /metadata\.name "a\/b" must not contain '\/'/],
        ["dots.json", /metadata\.name "a\.\.b" must not contain '\.\.'/],
        ["parent.json", /metadata\.name "\.\." must not contain '\.\.'/],
        ["control.json", /metadata\.name contains control or invisible characters/],
        ["zero-width.json", /metadata\.name contains control or invisible characters/],
        ["rtl.json", /metadata\.name contains control or invisible characters/],
        ["long.json", /metadata\.name is longer than 253 characters/],
        ["ns.json", /metadata\.namespace "\.\.\/etc" must not contain '\/'/],
      ];
      for (const [file, rule] of rules) {
        const line = log.split("\n").find((l) => l.includes(`resources/${file}:`)) ?? "";
        expect(line, file).toMatch(rule);
        expect(line.length, file).toBeLessThan(500);
      }
      expect((await listResources({ kind: "Nm" })).items.map((r) => r.metadata.name)).toEqual(["fine"]);
    });
  });

  describe("schema patterns", () => {
    it("a catastrophically backtracking schema pattern against a 50,000-character value validates in bounded time without blocking the event loop", async () => {
      const repo = fx.repo("redos");
      const evil = "a".repeat(50_000) + "!";
      const files: Record<string, string> = {};
      for (let i = 0; i < 20; i++)
        files[`resources/r${i}.json`] = JSON.stringify({ kind: "Redos", metadata: { name: `r${i}`, namespace: "p" }, spec: { replicas: 1, token: evil } });
      files["resources/ok.json"] = JSON.stringify({ kind: "Redos", metadata: { name: "ok", namespace: "p" }, spec: { replicas: 1, token: "aaaa" } });
      commitFiles(repo.dir, files, "redos");
      await defineWidgets(
        {
          name: "redos.example.io",
          kind: "Redos",
          repoURL: repo.url,
          schema: { type: "object", properties: { replicas: { type: "integer" }, token: { type: "string", pattern: "^(a+)+$" } } },
        },
        admin,
      );
      let maxGap = 0;
      let last = performance.now();
      const ticker = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
      }, 5);
      const t0 = performance.now();
      const run = await syncNow("redos.example.io", admin).finally(() => clearInterval(ticker));
      expect(performance.now() - t0).toBeLessThan(5_000);
      expect(maxGap).toBeLessThan(1_000);
      expect(run.phase).toBe("Succeeded");
      const full = await getRunWithChanges(run.id);
      expect(full.changes.filter((c) => c.action === "invalid")).toHaveLength(20);
      expect(full.changes.find((c) => c.name === "r0")?.error).toMatch(/resources\/r0\.json:1: spec\/token must match pattern "\^\(a\+\)\+\$"/);
      expect((await listResources({ kind: "Redos" })).items.map((r) => r.metadata.name)).toEqual(["ok"]);
    });
  });

  describe("property: the YAML/JSON loader on random input", () => {
    const tokens = fc.constantFrom(
      "kind: P\n",
      "metadata:\n",
      "  name: x\n",
      "spec:\n",
      "- ",
      "&a ",
      "*a ",
      "[",
      "]",
      "{",
      "}",
      ": ",
      "---\n",
      "!!js/function ",
      "!x ",
      "\t",
      "\r\n",
      "__proto__: ",
      "'",
      '"',
      "#",
      "|\n",
      ">-\n",
      "? ",
      "%YAML 1.1\n",
      "<<: *a\n",
      "\ufeff",
      "\u0000",
      "\\",
      ",",
    );
    const inputs = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.array(tokens, { maxLength: 200 }).map((xs) => xs.join("")),
      fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
      fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify({ kind: "P", metadata: { name: "x", namespace: "p" }, spec: v })),
    );
    const validate = compileSpecValidator({ type: "object", properties: { a: { type: "string", pattern: "^(a|aa)+$" } } });

    it("parse → collect → validate never throws, never takes more than 250 ms per file, and never touches a prototype", () => {
      const before = protoSnapshot();
      if (!validate.ok) throw new Error("schema");
      fc.assert(
        fc.property(inputs, fc.constantFrom("f.yaml", "f.yml", "f.json"), (content, path) => {
          const t0 = performance.now();
          const parsed = parseSourceFile({ path, content });
          expect(Array.isArray(parsed.docs)).toBe(true);
          for (const p of parsed.problems) {
            expect(p.path).toBe(path);
            expect(p.message.length).toBeLessThan(600);
          }
          const collected = collectDesired([{ path, docs: parsed.docs }], { kind: "P", scope: "Namespaced" });
          validateDesired(collected.desired, validate.validate);
          expect(performance.now() - t0).toBeLessThan(250);
        }),
        { numRuns: 1_500, seed: 7_000_007 },
      );
      expect(protoSnapshot()).toEqual(before);
    });
  });
});
