import { describe, it, expect } from "vitest";
import { definitionStatus, resourceStatus } from "./status";

describe("resourceStatus", () => {
  it.each([
    ["create", "Missing"],
    ["update", "OutOfSync"],
    ["unchanged", "Synced"],
    ["invalid", "Error"],
    ["delete", "Orphaned"],
    ["skipped", "Orphaned"],
  ] as const)("%s → %s", (action, status) => {
    expect(resourceStatus({ action })).toBe(status);
  });
});

describe("definitionStatus", () => {
  it("is Unknown without a plan", () => {
    expect(definitionStatus(undefined)).toBe("Unknown");
    expect(definitionStatus(null)).toBe("Unknown");
  });

  it("is Synced only when every change is unchanged", () => {
    expect(definitionStatus([])).toBe("Synced");
    expect(definitionStatus([{ action: "unchanged" }, { action: "unchanged" }])).toBe("Synced");
    expect(definitionStatus([{ action: "unchanged" }, { action: "invalid" }])).toBe("OutOfSync");
    expect(definitionStatus([{ action: "skipped" }])).toBe("OutOfSync");
    expect(definitionStatus([{ action: "create" }])).toBe("OutOfSync");
  });
});
