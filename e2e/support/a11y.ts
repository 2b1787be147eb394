/** axe-core on the page as it is: no serious or critical violation (WCAG 2 A/AA rules). */
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

export async function expectNoSeriousA11yViolations(page: Page, what: string): Promise<void> {
  // Monaco's own gutter (dimmed line numbers of unchanged regions) is the editor's theme, not ours
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).exclude(".monaco-editor .margin").analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = bad.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes
        .slice(0, 5)
        .map((n) => `${n.target.join(" ")} — ${n.failureSummary?.split("\n")[1] ?? ""}`)
        .join("\n  ")}`,
  );
  // E2E_AXE_REPORT=1 lists every page's violations in one run instead of stopping at the first page
  if (process.env.E2E_AXE_REPORT) {
    if (summary.length) console.log(`[axe] ${what}:\n${summary.join("\n")}`);
    return;
  }
  expect(summary, `${what}: axe found serious/critical violations`).toEqual([]);
}
