import { test, expect } from "@playwright/test";
import type { AppServer } from "../test/support/app-server";
import type { GitFixture } from "../test/support/git-fixture";
import { commitFiles } from "../test/support/git-repo";
import { createDefinition, login, shot, startSpecEnv, stopSpecEnv, syncNow, widgetDefinition, widgetYaml } from "./support/helpers";

let server: AppServer;
let git: GitFixture;
let token: string;

test.beforeAll(async () => {
  ({ server, git, token } = await startSpecEnv());
});
test.afterAll(() => stopSpecEnv({ server, git }));

test("login refuses a wrong password, then signs in; the empty overview says how to add a definition", async ({ page }) => {
  await page.goto(`${server.url}/`);
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong username or password.")).toBeVisible();
  await shot(page, "login");
  await login(page, server);
  await expect(page.getByTestId("empty-state")).toContainText("No definitions yet");
  await expect(page.getByTestId("empty-state")).toContainText("POST /api/v1/definitions");
  await shot(page, "overview-empty");
});

test("overview lists definitions with correct counts, filters by status and searches by name", async ({ page }) => {
  const shop = git.repo("shop");
  commitFiles(
    shop.dir,
    { "resources/web.yaml": widgetYaml("web", 2), "resources/api.yaml": widgetYaml("api", 1), "resources/db.yaml": widgetYaml("db", 1) },
    "three widgets",
  );
  const blog = git.repo("blog");
  commitFiles(blog.dir, { "resources/blog.yaml": widgetYaml("blog", 1, "ghost:5", "Gadget") }, "one gadget");
  await createDefinition(server, token, widgetDefinition("shop", shop.url));
  await createDefinition(server, token, widgetDefinition("blog", blog.url, { kind: "Gadget", automated: true, production: true }));
  const run = await syncNow(server, token, "shop");

  await login(page, server);
  const shopRow = page.locator('[data-testid="definition-row"][data-name="shop"]');
  const blogRow = page.locator('[data-testid="definition-row"][data-name="blog"]');
  await expect(shopRow).toHaveAttribute("data-status", "Synced");
  await expect(shopRow.locator('[data-status="Synced"][data-count]')).toHaveAttribute("data-count", "3");
  // zero counters are left out
  await expect(shopRow.locator('[data-status="OutOfSync"][data-count]')).toHaveCount(0);
  await expect(shopRow.locator('[data-status="drifted"][data-count]')).toHaveCount(0);
  await expect(shopRow.getByTestId("last-run")).toContainText(run.commit.slice(0, 7));
  await expect(shopRow.getByTestId("last-run")).toContainText("Succeeded");
  await expect(shopRow).toContainText("manual");
  await expect(blogRow).toContainText("automated");
  await expect(blogRow).toContainText("production");
  await shot(page, "overview");

  const filters = page.getByTestId("overview-filters");
  await filters.getByRole("link", { name: /^Production/ }).click();
  await expect(shopRow).toBeHidden();
  await expect(blogRow).toBeVisible();
  await filters.getByRole("link", { name: /^All/ }).click();
  await expect(shopRow).toBeVisible();
  await page.getByTestId("overview-search").fill("blo");
  await page.getByTestId("overview-search").press("Enter");
  await expect(blogRow).toBeVisible();
  await expect(shopRow).toBeHidden();

  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${server.url}/`);
  await shot(page, "overview-narrow");
});
