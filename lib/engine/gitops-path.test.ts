import { describe, it, expect } from "vitest";
import { isInsidePath, normalizeGitopsPath } from "./gitops-path";

describe("normalizeGitopsPath", () => {
  it.each([
    ["", "/"],
    ["/", "/"],
    ["//", "/"],
    ["resources", "/resources"],
    ["/resources", "/resources"],
    ["/resources/", "/resources"],
    ["./resources//prod/", "/resources/prod"],
    ["/etc", "/etc"], // repo-relative: <repo>/etc, never the host's /etc
    ["a/.../b", "/a/.../b"],
    ["envs/prod 1", "/envs/prod 1"],
    ["a%20b", "/a%20b"],
  ])("%j → %j", (input, expected) => {
    expect(normalizeGitopsPath(input)).toEqual({ ok: true, path: expected });
  });

  it.each([
    ["..", /'\.\.'/],
    ["/..", /'\.\.'/],
    ["a/..", /'\.\.'/],
    ["a/../../b", /'\.\.'/],
    ["../etc/passwd", /'\.\.'/],
    ["%2e%2e/x", /URL-encoded/],
    ["a%2Fb", /URL-encoded/],
    ["a%5cb", /URL-encoded/],
    ["%252e%252e", /URL-encoded/],
    ["a\\b", /backslash/],
    ["..\\..\\x", /backslash/],
    ["a\u0000b", /control/],
    ["a\nb", /control/],
    ["a\u0085b", /control/],
    ["x".repeat(1025), /longer than 1024/],
  ])("refuses %j", (input, reason) => {
    const r = normalizeGitopsPath(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it("accepts exactly 1024 characters", () => {
    expect(normalizeGitopsPath("a".repeat(1024))).toEqual({ ok: true, path: "/" + "a".repeat(1024) });
  });
});

describe("isInsidePath", () => {
  it("matches whole segments only", () => {
    expect(isInsidePath("resources/a.yaml", "/resources")).toBe(true);
    expect(isInsidePath("/resources/sub/a.yaml", "/resources")).toBe(true);
    expect(isInsidePath("resources-old/a.yaml", "/resources")).toBe(false);
    expect(isInsidePath("other/a.yaml", "/resources")).toBe(false);
    expect(isInsidePath("resources", "/resources")).toBe(true);
  });

  it("root contains everything; traversal segments are never inside", () => {
    expect(isInsidePath("a.yaml", "/")).toBe(true);
    expect(isInsidePath("resources/../secret.yaml", "/resources")).toBe(false);
    expect(isInsidePath("../x.yaml", "/")).toBe(false);
  });
});
