/** Admin pages (definition editor, secrets, users) and API tokens created in the page. */
import { test, expect } from "@playwright/test";
import type { AppServer } from "../test/support/app-server";
import type { GitFixture } from "../test/support/git-fixture";
import { api, login, shot, startSpecEnv, stopSpecEnv } from "./support/helpers";

let server: AppServer;
let git: GitFixture;
let token: string;

test.beforeAll(async () => {
  ({ server, git, token } = await startSpecEnv());
});
test.afterAll(() => stopSpecEnv({ server, git }));

test("API tokens page: create a token and use it against the API", async ({ page }) => {
  await login(page, server);
  await page.goto(`${server.url}/tokens`);
  await page.getByLabel("Name").fill("ci-pipeline");
  await page.getByLabel("Role").selectOption("operator");
  await page.getByRole("button", { name: "Create token" }).click();
  const created = (await page.getByTestId("new-token").textContent())!.trim();
  expect(created.length).toBeGreaterThan(20);
  await shot(page, "tokens");
  const r = await api<{ items: unknown[] }>(server, created, "GET", "/api/v1/definitions");
  expect(r.status).toBe(200);
  expect(Array.isArray(r.body.items)).toBe(true);
});

test("definition editor shows validation errors per field, then creates the definition", async ({ page }) => {
  const repo = git.repo("edited");
  await login(page, server);
  await page.goto(`${server.url}/admin/definitions/new`);
  await page.getByRole("tab", { name: "Advanced (JSON)" }).click();
  const editor = page.getByTestId("definition-editor").locator(".monaco-editor").first();
  await expect(editor).toBeVisible();
  const bad = {
    metadata: { name: "Bad_Name" },
    spec: { group: "example.io", version: "v1", names: { kind: "Thing", plural: "things" }, scope: "Sideways", gitops: { repoURL: repo.url, interval: 5 } },
  };
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  // Paste (as a person would) so Monaco does not auto-close brackets while "typing".
  const setText = async (text: string) => {
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await editor.click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("ControlOrMeta+V");
    await expect(page.getByTestId("definition-editor").locator(".view-lines")).toContainText(JSON.parse(text).metadata.name);
  };
  await setText(JSON.stringify(bad, null, 2));
  await page.getByRole("button", { name: "Create definition" }).click();
  const errors = page.getByTestId("field-errors");
  await expect(errors.locator('[data-path="metadata.name"]')).toBeVisible();
  await expect(errors.locator('[data-path="spec.scope"]')).toBeVisible();
  await expect(errors.locator('[data-path="spec.gitops.interval"]')).toContainText("at least 10");
  await shot(page, "definition-editor-errors");

  const good = { ...bad, metadata: { name: "things.example.io" }, spec: { ...bad.spec, scope: "Namespaced", gitops: { repoURL: repo.url, interval: 60 } } };
  await setText(JSON.stringify(good, null, 2));
  await page.getByRole("button", { name: "Create definition" }).click();
  await expect(page).toHaveURL(/\/definitions\/things\.example\.io$/);
  const r = await api(server, token, "GET", "/api/v1/definitions/things.example.io");
  expect(r.status).toBe(200);
});

test("secrets are write-only; users can be created and given a role", async ({ page }) => {
  await login(page, server);
  await page.goto(`${server.url}/admin/secrets`);
  await page.getByLabel("Name", { exact: true }).fill("git-cred");
  await page.getByLabel("Token", { exact: true }).fill("super-secret-token-value");
  await page.getByRole("button", { name: "Save secret" }).click();
  await expect(page.getByText("Saved git-cred (git-token).")).toBeVisible();
  await expect(page.getByTestId("secrets-table")).toContainText("git-cred");
  expect(await page.content()).not.toContain("super-secret-token-value");
  await shot(page, "secrets");

  await page.goto(`${server.url}/admin/users`);
  await page.getByLabel("Username", { exact: true }).fill("olga");
  await page.getByLabel("Password (8+ characters)").fill("operator-password-1");
  await page.locator("form").getByRole("combobox").selectOption("viewer");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByText("Created olga.")).toBeVisible();
  await page.getByLabel("Role of olga").selectOption("operator");
  await expect(page.getByText("olga is now operator.")).toBeVisible();
  const users = await api<{ items: { username: string; role: string }[] }>(server, token, "GET", "/api/v1/users");
  expect(users.body.items.find((u) => u.username === "olga")?.role).toBe("operator");
  await shot(page, "users");
});
