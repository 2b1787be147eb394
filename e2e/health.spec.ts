/** Issue 14: a Degraded resource is two clicks from the overview (health badge → filtered table → resource page). */
import { test, expect } from "@playwright/test";
import type { AppServer } from "../test/support/app-server";
import type { GitFixture } from "../test/support/git-fixture";
import { api, login, shot, startSpecEnv, stopSpecEnv } from "./support/helpers";

let server: AppServer;
let git: GitFixture;
let token: string;

const health = {
  inProgress: "self.status.?readyReplicas.orValue(0) < self.spec.replicas && !self.status.?failed.orValue(false)",
  failed: "self.status.?failed.orValue(false)",
  current: "self.status.?readyReplicas.orValue(0) == self.spec.replicas",
};

test.beforeAll(async () => {
  ({ server, git, token } = await startSpecEnv());
});
test.afterAll(() => stopSpecEnv({ server, git }));

test("a Degraded resource is visible from the overview in two clicks", async ({ page }) => {
  const def = {
    metadata: { name: "services.example.io" },
    spec: { group: "example.io", version: "v1", names: { kind: "Service", plural: "services" }, scope: "Namespaced", health },
  };
  expect((await api(server, token, "POST", "/api/v1/definitions", def)).status).toBe(201);
  for (const name of ["web", "api", "queue"]) {
    const r = await api(server, token, "POST", "/api/v1/resources", { kind: "Service", metadata: { name, namespace: "shop" }, spec: { replicas: 2 } });
    expect(r.status).toBe(201);
  }
  // tokens are minted from a session or HTTP Basic, never with a token
  const minted = await fetch(`${server.url}/api/v1/tokens`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`admin:${server.adminPassword}`).toString("base64")}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "handler", role: "executor" }),
  });
  expect(minted.status).toBe(201);
  const executor = { body: (await minted.json()) as { token: string } };
  for (const [name, status] of [
    ["web", { readyReplicas: 2 }],
    ["api", { readyReplicas: 1 }],
    ["queue", { failed: true, reason: "CrashLoopBackOff" }],
  ] as const) {
    const w = await api(server, executor.body.token, "PUT", `/api/v1/resources/Service/shop/${name}/status`, { status });
    expect(w.status).toBe(200);
  }

  await login(page, server);
  await page.goto(server.url);
  const card = page.locator('[data-testid="definition-row"][data-name="services.example.io"]');
  const badge = card.getByTestId("definition-health");
  await expect(badge).toHaveAttribute("data-health", "Degraded");
  await shot(page, "health-overview");
  // click 1: the definition's resources, filtered to Degraded
  await badge.click();
  await expect(page).toHaveURL(/\/definitions\/services\.example\.io\?health=Degraded$/);
  const rows = page.getByTestId("resource-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute("data-health", "Degraded");
  // click 2: the resource page with its status, health message and transitions
  await rows.first().getByRole("link", { name: "queue" }).click();
  const panel = page.getByTestId("health-panel");
  await expect(panel.locator('[data-health="Degraded"]').first()).toBeVisible();
  await expect(panel.getByTestId("health-message")).toContainText("spec.health.failed is true");
  await expect(panel.getByTestId("executor-status")).toContainText("CrashLoopBackOff");
  await expect(panel.getByTestId("health-transitions")).toContainText("Degraded");
  await shot(page, "health-resource");

  // the overview's health filter keeps only definitions with that health
  await page.goto(server.url);
  await page.goto(`${server.url}/?filter=progressing`);
  await expect(page.locator('[data-testid="definition-row"][data-name="services.example.io"]')).toHaveCount(0);
  await page.goto(server.url);
  await page.getByTestId("overview-filters").locator('[data-filter="degraded"]').click();
  await expect(page).toHaveURL(/filter=degraded/);
  await expect(page.locator('[data-testid="definition-row"][data-name="services.example.io"]')).toHaveCount(1);
});
