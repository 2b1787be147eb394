import { describe, it, expect } from "vitest";
import { matchLabels, parseLabelSelector, type LabelSelector } from "./label-selector";

function parsed(s: string): LabelSelector {
  const r = parseLabelSelector(s);
  if (!r.ok) throw new Error(r.error);
  return r.selector;
}

describe("parseLabelSelector", () => {
  it("parses every operator", () => {
    expect(parsed("app=web, tier==front,env!=prod,team,!legacy, zone in (a, b),ring notin (canary)")).toEqual([
      { key: "app", op: "=", value: "web" },
      { key: "tier", op: "=", value: "front" },
      { key: "env", op: "!=", value: "prod" },
      { key: "team", op: "exists" },
      { key: "legacy", op: "notexists" },
      { key: "zone", op: "in", values: ["a", "b"] },
      { key: "ring", op: "notin", values: ["canary"] },
    ]);
  });

  it("accepts prefixed keys and empty values", () => {
    expect(parsed("app.kubernetes.io/name=web,x=")).toEqual([
      { key: "app.kubernetes.io/name", op: "=", value: "web" },
      { key: "x", op: "=", value: "" },
    ]);
    expect(parsed("")).toEqual([]);
  });

  it.each([
    ["app=web,", /empty requirement/],
    ["app in (a,b", /missing "\)"/],
    ["app in a,b)", /unexpected "\)"/],
    ["app in ()", /needs at least one value/],
    ["app in (a,,b)", /empty value/],
    ["app = = web", /cannot parse requirement/],
    ["app=we b", /cannot parse requirement/],
    ["-app=web", /invalid label key/],
    ["Bad_Prefix/app=x", /invalid label key prefix/],
    ["app=" + "v".repeat(64), /invalid label value/],
    ["app=x/y", /invalid label value/],
    ["a=b;c=d", /cannot parse requirement/],
    ["a=b;c", /invalid label value/],
  ])("refuses %j", (s, message) => {
    const r = parseLabelSelector(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe("matchLabels", () => {
  const labels = { app: "web", env: "prod", zone: "b" };
  it.each([
    ["app=web", true],
    ["app=api", false],
    ["app!=api", true],
    ["missing!=x", true],
    ["env", true],
    ["missing", false],
    ["!missing", true],
    ["!env", false],
    ["zone in (a,b)", true],
    ["zone in (a,c)", false],
    ["zone notin (a,c)", true],
    ["missing notin (a)", true],
    ["missing in (a)", false],
    ["app=web,env=prod", true],
    ["app=web,env=dev", false],
    ["", true],
  ])("%j → %s", (s, expected) => {
    expect(matchLabels(parsed(s), labels)).toBe(expected);
  });

  it("does not see inherited members", () => {
    expect(matchLabels(parsed("constructor"), {})).toBe(false);
    expect(matchLabels(parsed("toString"), undefined)).toBe(false);
  });
});
