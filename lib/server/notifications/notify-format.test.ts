import { describe, expect, it } from "vitest";
import { formatPayload } from "@/lib/server/notifications/notify";
import { runOutcomeLabel, runProblemCount } from "@/lib/engine/run-problems";

describe("a production sync that succeeded with problems is not announced as green", () => {
  it("counts invalid resources and file problems, not orphans kept because prune is off", () => {
    expect(runProblemCount({ create: 3, invalid: 1, fileProblems: 2, skipped: 4 })).toBe(3);
    expect(runProblemCount({ create: 3, skipped: 4 })).toBe(0);
    expect(runOutcomeLabel("Succeeded", 3)).toBe("Succeeded with 3 problems");
    expect(runOutcomeLabel("Succeeded", 1)).toBe("Succeeded with 1 problem");
    expect(runOutcomeLabel("Failed", 3)).toBe("Failed");
  });

  it("uses the warning icon in Slack when the run had problems", () => {
    const base = { event: "sync.succeeded" as const, definition: "prod.example.io", at: "2026-12-03T00:00:00Z", commit: "a".repeat(40) };
    const warn = formatPayload("slack", { ...base, summary: "production sync succeeded with 2 problems (manual)", problems: 2 }) as { text: string };
    expect(warn.text).toMatch(/^:warning: \*prod\.example\.io\*: production sync succeeded with 2 problems/);
    const ok = formatPayload("slack", { ...base, summary: "production sync succeeded (manual)", problems: 0 }) as { text: string };
    expect(ok.text).toMatch(/^:white_check_mark:/);
  });
});
