import { describe, it, expect } from "vitest";
import { createHash } from "node:crypto";
import { maskSecrets, parsePointer, redactText, redactUrl } from "./redact";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const mask = (v: unknown) => `<secret:${sha(JSON.stringify(v)).slice(0, 8)}>`;

describe("maskSecrets", () => {
  const spec = {
    image: "app:1",
    password: "hunter22",
    db: { url: "postgres://u:p@h/db", port: 5432 },
    env: [
      { name: "A", value: "one" },
      { name: "B", value: "two" },
    ],
  };

  it("replaces values at pointers with a fingerprint and leaves the input alone", () => {
    const out = maskSecrets(spec, ["/password", "/db/url", "/env/*/value", "/missing/x"], sha);
    expect(out).toEqual({
      image: "app:1",
      password: mask("hunter22"),
      db: { url: mask("postgres://u:p@h/db"), port: 5432 },
      env: [
        { name: "A", value: mask("one") },
        { name: "B", value: mask("two") },
      ],
    });
    expect(spec.password).toBe("hunter22");
    expect(out.password).toBe("<secret:" + sha('"hunter22"').slice(0, 8) + ">");
  });

  it("masks equal values equally and different values differently", () => {
    const a = maskSecrets({ s: "same", t: "same", u: "other" }, ["/s", "/t", "/u"], sha);
    expect(a.s).toBe(a.t);
    expect(a.u).not.toBe(a.s);
  });

  it("masks whole objects independent of key order, and array indexes", () => {
    const a = maskSecrets({ creds: { user: "u", token: "t" } }, ["/creds"], sha);
    const b = maskSecrets({ creds: { token: "t", user: "u" } }, ["/creds"], sha);
    expect(a.creds).toBe(b.creds);
    expect(maskSecrets({ keys: ["k0", "k1"] }, ["/keys/1"], sha)).toEqual({ keys: ["k0", mask("k1")] });
  });

  it("handles escaped pointer segments and hostile keys", () => {
    const v = JSON.parse('{"a/b": "x", "__proto__": {"polluted": "s"}}') as Record<string, unknown>;
    const out = maskSecrets(v, ["/a~1b", "/__proto__/polluted", "/constructor"], sha);
    expect(out["a/b"]).toBe(mask("x"));
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual({ polluted: mask("s") });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(out, "constructor")).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("parses RFC 6901 pointers", () => {
    expect(parsePointer("")).toEqual([]);
    expect(parsePointer("/a~1b/~0c/*")).toEqual(["a/b", "~c", "*"]);
    expect(parsePointer("no-slash")).toBeUndefined();
  });
});

describe("redactText", () => {
  it("replaces every occurrence of each secret of 4+ characters", () => {
    expect(redactText("token abcd used twice: abcd; short abc stays", ["abcd", "abc"])).toBe("token *** used twice: ***; short abc stays");
  });

  it("removes the longest secret first", () => {
    expect(redactText("key=supersecret", ["secret", "supersecret"])).toBe("key=***");
  });

  it("treats secrets as literal text, not patterns", () => {
    expect(redactText("a.*b and aXXb", ["a.*b"])).toBe("*** and aXXb");
  });
});

describe("redactUrl", () => {
  it("keeps an SSH user name (not a credential) and still hides a password in an SSH URL", () => {
    expect(redactUrl("fetch ssh://git@github.com:2222/org/repo.git failed")).toBe("fetch ssh://git@github.com:2222/org/repo.git failed");
    expect(redactUrl("ssh://git:hunter2@github.com/org/repo.git")).toBe("ssh://***@github.com/org/repo.git");
    expect(redactUrl("https://git@github.com/org/repo.git")).toBe("https://***@github.com/org/repo.git");
  });
  it.each([
    ["https://user:tok@host/x", "https://***@host/x"],
    ["https://ghp_abc123@github.com/o/r.git", "https://***@github.com/o/r.git"],
    ["https://host/x", "https://host/x"],
    ["http://u:p@ss@host:8080/r", "http://***@host:8080/r"],
    ["https://host/path?email=a@b.c", "https://host/path?email=a@b.c"],
    ["git clone https://u:secret@h/r failed; retry https://v:other@h/r", "git clone https://***@h/r failed; retry https://***@h/r"],
    ["fatal: 'https://x:y@h' not found", "fatal: 'https://***@h' not found"],
    ["no urls here @ all", "no urls here @ all"],
  ])("%s", (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it("is linear on hostile text", () => {
    const hostile = "a://".repeat(100_000) + "x".repeat(100_000);
    const started = performance.now();
    redactUrl(hostile);
    redactUrl("a".repeat(200_000) + "://" + "b".repeat(200_000));
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
