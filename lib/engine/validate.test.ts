import { describe, it, expect } from "vitest";
import { compileSpecValidator, validateDesired, type SpecValidator } from "./validate";
import type { DesiredResource } from "./types";

const schema = {
  type: "object",
  required: ["image", "replicas"],
  additionalProperties: false,
  properties: {
    image: { type: "string", pattern: "^[a-z0-9./-]+:[A-Za-z0-9._-]+$" },
    replicas: { type: "integer", minimum: 0 },
    contact: { type: "string", format: "email" },
    "a/b~c": { type: "string" },
  },
};

function compiled(s: Record<string, unknown> | undefined): SpecValidator {
  const r = compileSpecValidator(s);
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.validate;
}

describe("compileSpecValidator", () => {
  it("accepts everything without a schema", () => {
    expect(compiled(undefined)("anything")).toEqual([]);
  });

  it("returns every error with a pointer from the resource root", () => {
    const validate = compiled(schema);
    expect(validate({ image: "myapp:v1.2.3", replicas: 3 })).toEqual([]);
    expect(validate({ image: "Bad Image", replicas: 1.5, contact: "nope", extra: 1, "a/b~c": 1 })).toEqual([
      { pointer: "/spec/extra", message: "is not allowed" },
      { pointer: "/spec/image", message: 'must match pattern "^[a-z0-9./-]+:[A-Za-z0-9._-]+$"' },
      { pointer: "/spec/replicas", message: "must be integer" },
      { pointer: "/spec/contact", message: 'must match format "email"' },
      { pointer: "/spec/a~1b~0c", message: "must be string" },
    ]);
    expect(validate({})).toEqual([
      { pointer: "/spec/image", message: "is required" },
      { pointer: "/spec/replicas", message: "is required" },
    ]);
  });

  it("reports schema compile errors instead of throwing", () => {
    const r = compileSpecValidator({ type: "nonsense" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/^invalid schema: /);
  });

  it("refuses patterns RE2 cannot run (look-ahead, back-references) at compile time", () => {
    expect(compileSpecValidator({ type: "string", pattern: "^(?=a)" }).ok).toBe(false);
    expect(compileSpecValidator({ type: "string", pattern: "(a)\\1" }).ok).toBe(false);
  });

  it("matches patterns unanchored like ECMA-262", () => {
    const validate = compiled({ type: "string", pattern: "b" });
    expect(validate("abc")).toEqual([]);
    expect(validate("xyz")).toHaveLength(1);
  });

  it("runs a catastrophic pattern in linear time", () => {
    const validate = compiled({ type: "string", pattern: "^(a+)+$" });
    const started = performance.now();
    const errors = validate("a".repeat(50_000) + "b");
    expect(performance.now() - started).toBeLessThan(1000);
    expect(errors).toEqual([{ pointer: "/spec", message: 'must match pattern "^(a+)+$"' }]);
    expect(validate("a".repeat(1000))).toEqual([]);
  });

  it("uses RE2 for patternProperties too", () => {
    const validate = compiled({ type: "object", patternProperties: { "^(x+)+$": { type: "integer" } } });
    const started = performance.now();
    validate({ ["x".repeat(30_000) + "y"]: "s" });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(validate({ xx: "s" })).toEqual([{ pointer: "/spec/xx", message: "must be integer" }]);
  });

  it("caches compiled validators by canonical schema text", () => {
    const a = compileSpecValidator({ type: "object", properties: { a: { type: "string" } } });
    const b = compileSpecValidator({ properties: { a: { type: "string" } }, type: "object" });
    expect(b).toBe(a);
  });

  it("compiles two schemas that reuse the same $id", () => {
    expect(compileSpecValidator({ $id: "https://example.io/schemas/deployment", type: "string" }).ok).toBe(true);
    const second = compileSpecValidator({ $id: "https://example.io/schemas/deployment", type: "integer" });
    expect(second.ok).toBe(true);
    if (second.ok) expect(second.validate(1)).toEqual([]);
  });
});

describe("validateDesired", () => {
  const make = (name: string, spec: unknown, error?: string): DesiredResource => ({
    key: { kind: "Deployment", namespace: "prod", name },
    doc: { kind: "Deployment", metadata: { name, namespace: "prod" }, spec },
    sourcePath: `apps/${name}.yaml`,
    sourceLine: 2,
    ...(error ? { error } : {}),
  });

  it("sets file:line errors on invalid resources and leaves valid ones alone", () => {
    const input = [
      make("good", { image: "a:b", replicas: 1 }),
      make("bad", { image: "a:b", replicas: "three" }),
      make("dup", { replicas: 2 }, "defined twice: a.yaml:1 and b.yaml:1"),
    ];
    const out = validateDesired(input, compiled(schema));
    expect(out[0]).toBe(input[0]);
    expect(out[1]?.error).toBe("apps/bad.yaml:2: spec/replicas must be integer");
    expect(out[2]?.error).toBe("defined twice: a.yaml:1 and b.yaml:1; apps/dup.yaml:2: spec/image is required");
    expect(input[1]?.error).toBeUndefined();
  });

  it("shows at most 10 errors per resource", () => {
    const props = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, { type: "string" }]));
    const validate = compiled({ type: "object", properties: props });
    const spec = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, i]));
    const [out] = validateDesired([make("many", spec)], validate);
    expect(out?.error?.split("; ")).toHaveLength(11);
    expect(out?.error).toMatch(/; and 2 more$/);
  });
});

describe("linear-time keywords (hostile specs)", () => {
  it("format url on an 80 KB value that makes ajv-formats' native expression backtrack: bounded time, still refused", () => {
    const validate = compiled({ type: "object", properties: { link: { type: "string", format: "url" } } });
    const hostile = "http://a:" + ":".repeat(80_000) + "@ ";
    const started = performance.now();
    const errors = validate({ link: hostile });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(errors).toEqual([{ pointer: "/spec/link", message: 'must match format "url"' }]);
  });

  it("uniqueItems on 20,000 objects runs in one pass and still finds a duplicate (key order does not matter)", () => {
    const validate = compiled({ type: "array", uniqueItems: true });
    const items = Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `n${i}` }));
    const started = performance.now();
    expect(validate(items)).toEqual([]);
    expect(validate([...items, { name: "n7", id: 7 }])).toEqual([
      { pointer: "/spec", message: "must NOT have duplicate items (items ## 7 and 20000 are identical)" },
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(validate([1, "1", [1], { a: 1 }])).toEqual([]);
    expect(validate([{ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }])).toHaveLength(1);
  });

  it("an array over maxItems reports maxItems without the uniqueItems pass", () => {
    const validate = compiled({ type: "array", maxItems: 3, uniqueItems: true });
    expect(validate([1, 1, 1, 1])).toEqual([{ pointer: "/spec", message: "must NOT have more than 3 items" }]);
    expect(validate([1, 1])).toHaveLength(1);
  });

  it("formats accept and refuse the same ordinary values as ajv-formats' full set", () => {
    const cases: Record<string, [string[], string[]]> = {
      url: [
        ["http://example.com/a?b=c", "https://user:pw@sub.example.io:8080/x", "ftp://8.8.8.8/f"],
        ["http://10.0.0.1/", "http://192.168.1.1", "http://localhost", "mailto:a@b.c", "http://a b.com"],
      ],
      uri: [
        ["https://example.com/a", "urn:isbn:123"],
        ["example", "/relative", "http://[zz]/"],
      ],
      hostname: [
        ["example.com", "a-b.c", "x."],
        ["-a.com", "a".repeat(64) + ".com", "a_b.com", "a".repeat(250) + ".com.com"],
      ],
      duration: [
        ["P1D", "PT1H", "P1Y2M3DT4H5M6S", "P2W"],
        ["P", "PT", "P1DT", "1D"],
      ],
      email: [["a.b@example.com"], ["a@", "a b@c.d"]],
      ipv4: [["1.2.3.4"], ["256.1.1.1", "1.2.3"]],
      ipv6: [
        ["::1", "2001:db8::1"],
        ["2001:::1", "1.2.3.4"],
      ],
      uuid: [["123e4567-e89b-12d3-a456-426614174000"], ["123e4567e89b12d3a456426614174000x"]],
      byte: [["aGVsbG8="], ["a"]],
      "date-time": [["2024-01-31T10:00:00Z"], ["2024-02-30T10:00:00Z", "yesterday"]],
    };
    for (const [format, [good, bad]] of Object.entries(cases)) {
      const validate = compiled({ type: "string", format });
      for (const v of good) expect(validate(v), `${format} ${v}`).toEqual([]);
      for (const v of bad) expect(validate(v), `${format} ${v}`).toHaveLength(1);
    }
  });
});
