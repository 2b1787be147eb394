import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { parseSourceFile } from "./parse";
import multiDoc from "./testdata/multi-doc.yaml?raw";
import coreSchema from "./testdata/yaml-core-schema.yaml?raw";
import customTags from "./testdata/custom-tags.yaml?raw";
import aliasBomb from "./testdata/alias-bomb.yaml?raw";
import protoYaml from "./testdata/proto-keys.yaml?raw";
import protoJson from "./testdata/proto-keys.json?raw";
import duplicateJson from "./testdata/duplicate-keys.json?raw";
import trailingComma from "./testdata/trailing-comma.json?raw";
import badToken from "./testdata/bad-token.json?raw";
import listJson from "./testdata/list.json?raw";
import seedResource from "./testdata/seed-resource.json?raw";
import tabIndent from "./testdata/tab-indent.yaml?raw";
import tabInValue from "./testdata/tab-in-value.yaml?raw";
import crlf from "./testdata/crlf.yaml?raw";
import bomYaml from "./testdata/bom.yaml?raw";
import bomJson from "./testdata/bom.json?raw";
import binaryYaml from "./testdata/binary.yaml?raw";
import syntaxErrorMiddle from "./testdata/syntax-error-middle.yaml?raw";

const utf8 = (s: string) => new TextEncoder().encode(s);

function assertPrototypesClean() {
  const probe: Record<string, unknown> = {};
  expect(probe.polluted).toBeUndefined();
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
}

describe("parseSourceFile: JSON", () => {
  it("parses the seed's resource file as one document at line 1", () => {
    const r = parseSourceFile({ path: "resources/app.json", content: utf8(seedResource) });
    expect(r.problems).toEqual([]);
    expect(r.docs).toEqual([
      {
        value: {
          kind: "Deployment",
          metadata: { name: "my-app-deployment", namespace: "production" },
          spec: { image: "myapp:v1.2.3", replicas: 3 },
        },
        line: 1,
        index: 0,
      },
    ]);
  });

  it("splits a List into one document per item with the item's own line", () => {
    const r = parseSourceFile({ path: "list.json", content: listJson });
    expect(r.problems).toEqual([]);
    expect(r.docs.map((d) => [d.line, d.index, (d.value as { metadata: { name: string } }).metadata.name])).toEqual([
      [4, 0, "web"],
      [9, 1, "web"],
      [10, 2, "api"],
    ]);
  });

  it("reports a trailing comma with line and column", () => {
    const r = parseSourceFile({ path: "x.json", content: trailingComma });
    expect(r.docs).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ path: "x.json", line: 5, column: 3 });
    expect(r.problems[0]?.message).toMatch(/^invalid JSON: /);
  });

  it("finds the position itself when V8's message has none (bad token)", () => {
    const r = parseSourceFile({ path: "x.json", content: badToken });
    expect(r.problems).toEqual([{ path: "x.json", line: 3, column: 24, message: "invalid JSON: Unexpected token ' '" }]);
  });

  it("reports truncated JSON at the end of input", () => {
    const r = parseSourceFile({ path: "x.json", content: '{\n  "a": [1, 2' });
    expect(r.problems[0]).toMatchObject({ line: 2, column: 13 });
  });

  it("refuses duplicate keys instead of silently keeping the last", () => {
    const r = parseSourceFile({ path: "dup.json", content: duplicateJson });
    expect(r.docs).toEqual([]);
    expect(r.problems).toEqual([{ path: "dup.json", line: 5, column: 5, message: 'duplicate key "replicas"' }]);
  });

  it("treats keys that only differ by escaping as duplicates", () => {
    const r = parseSourceFile({ path: "dup.json", content: '{"a": 1, "\\u0061": 2}' });
    expect(r.problems[0]?.message).toBe('duplicate key "a"');
  });

  it("strips a UTF-8 BOM", () => {
    const r = parseSourceFile({ path: "bom.json", content: bomJson });
    expect(r.problems).toEqual([]);
    expect(r.docs[0]?.value).toEqual({ kind: "Deployment" });
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"kind": "X"}')]);
    expect(parseSourceFile({ path: "b.json", content: bytes }).docs[0]?.value).toEqual({ kind: "X" });
  });

  it("ignores an empty JSON file", () => {
    expect(parseSourceFile({ path: "e.json", content: "  \n" })).toEqual({ docs: [], problems: [] });
  });

  it("keeps a top-level array or scalar as one (non-object) document", () => {
    expect(parseSourceFile({ path: "a.json", content: "[1,2]" }).docs).toEqual([{ value: [1, 2], line: 1, index: 0 }]);
    expect(parseSourceFile({ path: "a.json", content: "\n\n42" }).docs).toEqual([{ value: 42, line: 3, index: 0 }]);
  });

  it("refuses 20,000-deep arrays and objects in milliseconds", () => {
    for (const content of ["[".repeat(20_000) + "]".repeat(20_000), '{"a":'.repeat(20_000) + "1" + "}".repeat(20_000)]) {
      const started = performance.now();
      const r = parseSourceFile({ path: "deep.json", content });
      expect(performance.now() - started).toBeLessThan(200);
      expect(r.docs).toEqual([]);
      expect(r.problems[0]?.message).toBe("nested deeper than 100 levels (maxDepth); not parsed");
      expect(r.problems[0]?.line).toBe(1);
    }
  });

  it("accepts nesting exactly at the limit and refuses one more", () => {
    const nested = (n: number) => "[".repeat(n) + "]".repeat(n);
    expect(parseSourceFile({ path: "a.json", content: nested(10) }, { maxDepth: 10 }).problems).toEqual([]);
    expect(parseSourceFile({ path: "a.json", content: nested(11) }, { maxDepth: 10 }).problems).toHaveLength(1);
  });

  it("keeps __proto__, constructor and prototype as inert own data", () => {
    const r = parseSourceFile({ path: "p.json", content: protoJson });
    expect(r.problems).toEqual([]);
    const v = r.docs[0]?.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(v, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(v, "__proto__")?.value).toEqual({ polluted: "yes" });
    const item = ((v.spec as Record<string, Record<string, unknown[]>>).deep?.list?.[0] ?? {}) as object;
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
    expect(Object.keys(item)).toEqual(["__proto__", "constructor"]);
    assertPrototypesClean();
  });
});

describe("parseSourceFile: YAML", () => {
  it("returns every document with its line, skipping empty and comment-only ones, and reports the bad one", () => {
    const r = parseSourceFile({ path: "multi.yaml", content: multiDoc });
    expect(r.docs.map((d) => [d.line, d.index])).toEqual([
      [2, 0],
      [19, 4],
    ]);
    expect(r.docs[0]?.value).toEqual({ kind: "Deployment", metadata: { name: "web", namespace: "prod" }, spec: { replicas: 2 } });
    expect(r.problems).toEqual([{ path: "multi.yaml", line: 16, column: 3, message: "Map keys must be unique" }]);
  });

  it("keeps the good documents around a syntax error", () => {
    const r = parseSourceFile({ path: "s.yml", content: syntaxErrorMiddle });
    expect(r.docs.map((d) => (d.value as { metadata: { name: string } }).metadata.name)).toEqual(["first", "third"]);
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems.every((p) => p.line === 6 || p.line === 7)).toBe(true);
  });

  it("uses the YAML 1.2 core schema: yes/no/on stay strings, 012 is 12, 1.10 is 1.1, << is a plain key", () => {
    const r = parseSourceFile({ path: "core.yaml", content: coreSchema });
    expect(r.problems).toEqual([]);
    expect(r.docs[0]?.value).toEqual({
      yes: "yes",
      no: "no",
      on: "on",
      octalish: 12,
      octal: 10,
      version: 1.1,
      hex: 31,
      nothing: null,
      date: "2024-01-01",
      merge: { "<<": { a: 1 } },
    });
  });

  it("ignores a %YAML 1.1 directive's schema (no implicit octal or booleans)", () => {
    const r = parseSourceFile({ path: "v.yaml", content: "%YAML 1.1\n---\na: yes\nb: 012\n" });
    expect(r.docs[0]?.value).toEqual({ a: "yes", b: 12 });
  });

  it("reports unknown tags and YAML 1.1 tags instead of evaluating them", () => {
    const r = parseSourceFile({ path: "tags.yaml", content: customTags });
    expect(r.docs.map((d) => (d.value as { metadata: { name: string } }).metadata.name)).toEqual(["fine"]);
    expect(r.problems.map((p) => [p.line, p.message.split(" (")[0]])).toEqual([
      [4, "Unresolved tag: tag:yaml.org,2002:js/function"],
      [9, "Unresolved tag: !foo"],
    ]);
    const binary = parseSourceFile({ path: "b.yaml", content: "a: !!binary aGVsbG8=\nb: !!set {x}\nc: !!timestamp 2020-01-01\n" });
    expect(binary.docs).toEqual([]);
    expect(binary.problems).toHaveLength(3);
    assertPrototypesClean();
  });

  it("refuses an alias bomb in milliseconds", () => {
    const started = performance.now();
    const r = parseSourceFile({ path: "bomb.yaml", content: aliasBomb });
    expect(performance.now() - started).toBeLessThan(500);
    expect(r.docs).toEqual([]);
    expect(r.problems).toEqual([{ path: "bomb.yaml", line: 1, column: 1, message: "too many aliases (more than maxAliasCount 100); a YAML alias bomb?" }]);
  });

  it("allows a few ordinary aliases", () => {
    const r = parseSourceFile({ path: "a.yaml", content: "base: &b {x: 1}\nother: *b\n" });
    expect(r.docs[0]?.value).toEqual({ base: { x: 1 }, other: { x: 1 } });
  });

  it("refuses a circular alias", () => {
    const r = parseSourceFile({ path: "c.yaml", content: "a: &a [*a]\n" });
    expect(r.docs).toEqual([]);
    expect(r.problems[0]?.message).toMatch(/circular/);
  });

  it("refuses 20,000-deep flow and block nesting in milliseconds", () => {
    const cases = ["[".repeat(20_000) + "]".repeat(20_000), "{a: ".repeat(20_000) + "}".repeat(20_000), "- ".repeat(20_000) + "x\n"];
    for (const content of cases) {
      const started = performance.now();
      const r = parseSourceFile({ path: "deep.yaml", content });
      expect(performance.now() - started).toBeLessThan(200);
      expect(r.docs).toEqual([]);
      expect(r.problems[0]?.message).toBe("nested deeper than 100 levels (maxDepth); not parsed");
    }
    const indented = Array.from({ length: 150 }, (_, i) => " ".repeat(i) + "k:").join("\n") + " 1\n";
    expect(parseSourceFile({ path: "deep.yaml", content: indented }).problems[0]?.message).toMatch(/nested deeper/);
  });

  it("does not count brackets inside block scalars, quotes or comments", () => {
    const content = ["script: |", "  " + "[".repeat(300), "quoted: '" + "{".repeat(300) + "'", "# " + "[".repeat(300), "ok: [1, [2, [3]]]", ""].join("\n");
    const r = parseSourceFile({ path: "x.yaml", content });
    expect(r.problems).toEqual([]);
    expect((r.docs[0]?.value as { ok: unknown }).ok).toEqual([1, [2, [3]]]);
  });

  it("reports tabs used as indentation with the line", () => {
    const r = parseSourceFile({ path: "t.yaml", content: tabIndent });
    expect(r.docs).toEqual([]);
    expect(r.problems[0]).toMatchObject({ path: "t.yaml", line: 3, message: "Tabs are not allowed as indentation" });
  });

  it("accepts tabs inside values", () => {
    const r = parseSourceFile({ path: "t.yaml", content: tabInValue });
    expect(r.problems).toEqual([]);
    expect(r.docs[0]?.value).toEqual({ kind: "Deployment", spec: { command: "a\tb", plain: "a\tb" } });
  });

  it("handles CRLF line endings with correct lines", () => {
    const r = parseSourceFile({ path: "crlf.yaml", content: utf8(crlf) });
    expect(r.problems).toEqual([]);
    expect(r.docs.map((d) => [d.line, d.value])).toEqual([
      [1, { kind: "Deployment", metadata: { name: "web", namespace: "prod" } }],
      [6, { kind: "Deployment", metadata: { name: "api", namespace: "prod" } }],
    ]);
  });

  it("strips a UTF-8 BOM (string and bytes)", () => {
    const expected = { kind: "Deployment", metadata: { name: "web" } };
    expect(parseSourceFile({ path: "bom.yaml", content: bomYaml }).docs[0]?.value).toEqual(expected);
    expect(parseSourceFile({ path: "bom.yaml", content: utf8(bomYaml) }).docs[0]?.value).toEqual(expected);
    expect(Object.keys(parseSourceFile({ path: "bom.yaml", content: utf8(bomYaml) }).docs[0]?.value as object)[0]).toBe("kind");
  });

  it("keeps __proto__, constructor and prototype keys at any depth as own data", () => {
    const r = parseSourceFile({ path: "p.yaml", content: protoYaml });
    expect(r.problems).toEqual([]);
    const v = r.docs[0]?.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(v, "__proto__")?.value).toEqual({ polluted: "yes" });
    const spec = v.spec as { deep: { list: Record<string, unknown>[] } };
    const item = spec.deep.list[0] ?? {};
    expect(Object.keys(item)).toEqual(["__proto__", "constructor"]);
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(item, "__proto__")?.value).toEqual({ polluted: "yes" });
    assertPrototypesClean();
  });

  it("ignores empty files and comment-only files", () => {
    expect(parseSourceFile({ path: "e.yaml", content: "" })).toEqual({ docs: [], problems: [] });
    expect(parseSourceFile({ path: "e.yaml", content: "# just a comment\n---\n# another\n" })).toEqual({ docs: [], problems: [] });
  });

  it("keeps an explicit null document (collect counts it as a non-object)", () => {
    expect(parseSourceFile({ path: "n.yaml", content: "---\nnull\n" }).docs).toEqual([{ value: null, line: 2, index: 0 }]);
  });

  it("refuses .inf and .nan, which JSON cannot store", () => {
    expect(parseSourceFile({ path: "n.yaml", content: "a: .inf\n" }).problems[0]?.message).toMatch(/non-finite/);
  });
});

describe("parseSourceFile: refused before parsing", () => {
  it("refuses files over maxFileBytes and names the limit", () => {
    const r = parseSourceFile({ path: "big.yaml", content: "a: " + "x".repeat(200) }, { maxFileBytes: 100 });
    expect(r.problems).toEqual([{ path: "big.yaml", message: "file is 203 bytes, larger than the limit of 100 bytes (maxFileBytes); not parsed" }]);
    const bytes = parseSourceFile({ path: "big.json", content: utf8("é".repeat(60)) }, { maxFileBytes: 100 });
    expect(bytes.problems[0]?.message).toMatch(/120 bytes, larger than the limit of 100 bytes/);
  });

  it("defaults the size limit to 1 MiB", () => {
    const justOver = "a: " + "x".repeat(1024 * 1024);
    expect(parseSourceFile({ path: "big.yaml", content: justOver }).problems[0]?.message).toMatch(/limit of 1048576 bytes/);
  });

  it("refuses binary content with NUL bytes", () => {
    const r = parseSourceFile({ path: "binary.yaml", content: binaryYaml });
    expect(r.docs).toEqual([]);
    expect(r.problems).toEqual([{ path: "binary.yaml", line: 2, column: 1, message: "binary file (contains NUL bytes); not parsed" }]);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]);
    expect(parseSourceFile({ path: "logo.yaml", content: png }).problems[0]?.message).toMatch(/^binary file/);
  });

  it("refuses other control characters", () => {
    const r = parseSourceFile({ path: "c.yaml", content: "a: b\nc: \u0007\n" });
    expect(r.problems).toEqual([{ path: "c.yaml", line: 2, column: 4, message: "binary file or control character U+0007; not parsed" }]);
  });

  it("refuses invalid UTF-8 and gives the byte offset and line", () => {
    const bytes = new Uint8Array([...utf8("kind: Deployment\nname: caf"), 0xc3, 0x0a]);
    const r = parseSourceFile({ path: "u.yaml", content: bytes });
    expect(r.problems).toEqual([{ path: "u.yaml", line: 2, column: 10, message: "invalid UTF-8 at byte offset 26; files must be UTF-8 text" }]);
    const overlong = new Uint8Array([0x61, 0xc0, 0xaf]);
    expect(parseSourceFile({ path: "o.json", content: overlong }).problems[0]?.message).toBe("invalid UTF-8 at byte offset 1; files must be UTF-8 text");
    const surrogate = new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]);
    expect(parseSourceFile({ path: "s.json", content: surrogate }).problems[0]?.message).toMatch(/byte offset 1;/);
  });

  it("accepts valid multi-byte UTF-8", () => {
    const r = parseSourceFile({ path: "u.yaml", content: utf8("greeting: héllo wörld 你好 🎉\n") });
    expect(r.docs[0]?.value).toEqual({ greeting: "héllo wörld 你好 🎉" });
  });

  it("does not echo more than 200 characters of content in a message", () => {
    const secret = "s".repeat(5000);
    const cases = [
      parseSourceFile({ path: "x.json", content: `{"a": "${secret}" x}` }),
      parseSourceFile({ path: "x.yaml", content: `a: !${secret} b\n` }),
      parseSourceFile({ path: "x.yaml", content: `a: "${secret}\n` }),
    ];
    for (const r of cases) {
      expect(r.problems.length).toBeGreaterThan(0);
      for (const p of r.problems) expect(p.message.length).toBeLessThanOrEqual(200);
    }
  });

  it("refuses files that are not JSON or YAML", () => {
    expect(parseSourceFile({ path: "README.md", content: "# hi" }).problems[0]?.message).toBe("not a .json, .yaml or .yml file");
  });
});

describe("parseSourceFile: never throws, never hangs", () => {
  const paths = ["f.yaml", "f.yml", "f.json"];

  it("on random strings", () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.string({ unit: "grapheme", maxLength: 300 }), (path, content) => {
        const started = performance.now();
        const r = parseSourceFile({ path, content });
        expect(performance.now() - started).toBeLessThan(1000);
        expect(Array.isArray(r.docs) && Array.isArray(r.problems)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("on random YAML/JSON-ish token soup", () => {
    const token = fc.constantFrom(
      "[",
      "]",
      "{",
      "}",
      ",",
      ":",
      " ",
      "\n",
      "\t",
      "- ",
      "&a ",
      "*a",
      "!!str ",
      "'",
      '"',
      "#",
      "|",
      ">",
      "a",
      "1",
      "---\n",
      "__proto__",
      "\\",
      "\r\n",
      "? ",
    );
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.array(token, { maxLength: 200 }), (path, tokens) => {
        const r = parseSourceFile({ path, content: tokens.join("") });
        expect(Array.isArray(r.docs)).toBe(true);
      }),
      { numRuns: 500 },
    );
    assertPrototypesClean();
  });

  it("on random bytes", () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.uint8Array({ maxLength: 300 }), (path, content) => {
        const r = parseSourceFile({ path, content });
        expect(Array.isArray(r.problems)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
