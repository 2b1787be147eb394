/**
 * Issue 21, second part: overview tools, the Add definition form, a run's changes paged and
 * filtered in place, the resources table at scale, copy and accessibility. Each page is checked
 * with axe-core and photographed in light and dark mode at 1440 and 390 px (e2e/screenshots).
 */
import { test, expect, type Page } from "@playwright/test";
import type { AppServer } from "../test/support/app-server";
import type { GitFixture } from "../test/support/git-fixture";
import { commitFiles } from "../test/support/git-repo";
import { api, createDefinition, createUser, login, shot, startSpecEnv, stopSpecEnv, syncNow, widgetDefinition } from "./support/helpers";
import { expectNoSeriousA11yViolations } from "./support/a11y";

// one server for the file; tests run in order (workers: 1) but a failure does not skip the rest

let server: AppServer;
let git: GitFixture;
let token: string;
let shopRun: string;

const labelled = (name: string, ns: string, replicas: number | string, app: string) =>
  `kind: Widget\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels:\n    app: ${app}\nspec:\n  replicas: ${replicas}\n  image: nginx:1.25\n`;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  ({ server, git, token } = await startSpecEnv());
  // "shop": 120 widgets in two namespaces (three pages of changes), two labels
  const shop = git.repo("shop");
  const files: Record<string, string> = {};
  for (let i = 0; i < 120; i++) {
    const n = String(i).padStart(3, "0");
    files[`resources/w${n}.yaml`] = labelled(`w${n}`, i % 2 ? "team-b" : "team-a", 1, i % 3 ? "web" : "db");
  }
  commitFiles(shop.dir, files, "120 widgets");
  await createDefinition(server, token, widgetDefinition("shop", shop.url));
  shopRun = (await syncNow(server, token, "shop")).id;
  // an invalid file after the sync: the resource keeps its spec and shows one error
  commitFiles(shop.dir, { "resources/w000.yaml": labelled("w000", "team-a", '"many"', "db") }, "break w000");
  await syncNow(server, token, "shop");

  const blog = git.repo("blog");
  commitFiles(blog.dir, { "resources/post.yaml": labelled("post", "team-a", 1, "blog") }, "one post");
  await createDefinition(server, token, widgetDefinition("blog", blog.url, { production: true, automated: true }));
  await syncNow(server, token, "blog");
  await createDefinition(server, token, widgetDefinition("empty", git.repo("empty").url));
  const s = await api(server, token, "POST", "/api/v1/definitions/empty/suspend", { reason: "change freeze" });
  expect(s.status, JSON.stringify(s.body)).toBe(200);
  await createUser(server, token, "viewer1", "viewer-password-1", "viewer");
});
test.afterAll(() => stopSpecEnv({ server, git }));

const card = (page: Page, name: string) => page.locator(`[data-testid="definition-row"][data-name="${name}"]`);

/** axe, then screenshots in light and dark at 1440 and 390 px. */
async function checkPage(page: Page, name: string) {
  test.setTimeout(300_000);
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1440, height: 900 });
    await expectNoSeriousA11yViolations(page, `${name} (${scheme})`);
    await shot(page, `${name}-${scheme}-1440`);
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, `${name}-${scheme}-390`);
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("overview: filters, sort, table view and search live in the URL; / focuses search; zero counters are hidden", async ({ page }) => {
  await login(page, server);
  const filters = page.getByTestId("overview-filters");
  await expect(card(page, "shop")).toBeVisible();
  // zero counters are left out; non-zero ones show
  await expect(card(page, "blog").locator('[data-status="Error"][data-count]')).toHaveCount(0);
  await expect(card(page, "shop").locator('[data-status="Error"][data-count]')).toHaveAttribute("data-count", "1");
  await expect(card(page, "empty")).toContainText("no resources");

  await filters.getByRole("link", { name: /^Production/ }).click();
  await expect(page).toHaveURL(/filter=production/);
  await expect(page.getByTestId("definition-row")).toHaveCount(1);
  await expect(card(page, "blog")).toBeVisible();
  await filters.getByRole("link", { name: /^Automated/ }).click();
  await expect(page).toHaveURL(/filter=production%2Cautomated|filter=production,automated/);
  await expect(page.getByTestId("definition-row")).toHaveCount(1);
  await page.goto(`${server.url}/?filter=error`);
  await expect(page.getByTestId("definition-row")).toHaveCount(1);
  await expect(card(page, "shop")).toBeVisible();
  await page.goto(`${server.url}/?filter=suspended`);
  await expect(page.getByTestId("definition-row")).toHaveCount(1);
  await expect(card(page, "empty")).toContainText("suspended");
  await page.goto(`${server.url}/?filter=failed`);
  await expect(page.getByText("No definition matches.")).toBeVisible();

  // sort: by name, by status (worst first), by last sync (newest first)
  await page.goto(`${server.url}/`);
  const names = () => page.getByTestId("definition-row").evaluateAll((els) => els.map((e) => e.getAttribute("data-name")));
  expect(await names()).toEqual(["blog", "empty", "shop"]);
  await page.getByTestId("overview-sort").selectOption("status");
  await expect(page).toHaveURL(/sort=status/);
  await expect.poll(names).toEqual(["shop", "empty", "blog"]);
  await page.getByTestId("overview-sort").selectOption("synced");
  await expect.poll(names).toEqual(["blog", "shop", "empty"]);

  // table view, kept in the URL with the sort; reload keeps it
  await page.getByTestId("view-table").click();
  await expect(page).toHaveURL(/view=table/);
  await page.reload();
  await expect(page.getByTestId("overview-table")).toBeVisible();
  await expect(page.getByTestId("definition-table-row")).toHaveCount(3);
  await expect(page.getByTestId("definition-table-row").first()).toHaveAttribute("data-name", "blog");
  await checkPage(page, "overview-table");

  // "/" focuses the search; Enter puts the text in the URL
  await page.goto(`${server.url}/`);
  // (retried: the key handler exists once the page has hydrated)
  await expect(async () => {
    await page.locator("body").press("/");
    await expect(page.getByTestId("overview-search")).toBeFocused({ timeout: 1000 });
  }).toPass();
  await page.keyboard.type("sho");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/q=sho/);
  await expect(page.getByTestId("definition-row")).toHaveCount(1);
  await page.goto(`${server.url}/`);
  await checkPage(page, "overview");
});

test("overview cards: Refresh and Sync per card; production asks for the typed name (spaces ignored)", async ({ page }) => {
  await login(page, server);
  const blog = card(page, "blog");
  await blog.getByRole("button", { name: "Refresh blog" }).click();
  await expect(blog.getByTestId("card-refresh-note")).toContainText("Git main at");
  await blog.getByRole("button", { name: "Sync blog" }).click();
  const dialog = page.locator('[data-testid="confirm-dialog"][open]');
  await expect(dialog).toContainText("This definition is marked production");
  const confirm = dialog.getByRole("button", { name: "Sync", exact: true });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel("Type the definition name to confirm").fill("  blog ");
  await expect(confirm).toBeEnabled();
  await confirm.click();
  await expect(blog.getByTestId("card-run-result")).toContainText("Succeeded", { timeout: 20_000 });
  // a non-production card syncs at once
  const shop = card(page, "shop");
  await shop.getByRole("button", { name: "Sync shop" }).click();
  await expect(shop.getByTestId("card-run-result")).toBeVisible({ timeout: 30_000 });
});

test("a viewer sees why Refresh and Sync are disabled, without hovering", async ({ page }) => {
  await login(page, server, "viewer1", "viewer-password-1");
  const shop = card(page, "shop");
  await expect(shop.getByRole("button", { name: "Sync shop" })).toBeDisabled();
  await expect(shop.getByTestId("card-disabled-note")).toHaveText("Requires the operator role (you are viewer)");
  // the reason is the button's description for screen readers
  await expect(shop.getByRole("button", { name: "Sync shop" })).toHaveAccessibleDescription("Requires the operator role (you are viewer)");
});

test("resources table: page N of M, page size, namespace, labels, status chips, and a sort that says what it does", async ({ page }) => {
  await login(page, server);
  await page.goto(`${server.url}/definitions/shop`);
  await expect(page.getByTestId("page-of")).toHaveText("Page 1 of 3");
  await expect(page.getByTestId("resource-row")).toHaveCount(50);
  await page.getByTestId("next-page").click();
  await expect(page.getByTestId("page-of")).toHaveText("Page 2 of 3");
  await page.getByTestId("prev-page").click();
  await expect(page.getByTestId("page-of")).toHaveText("Page 1 of 3");
  await page.getByRole("link", { name: "100", exact: true }).click();
  await expect(page.getByTestId("page-of")).toHaveText("Page 1 of 2");
  await expect(page.getByTestId("resource-row")).toHaveCount(100);

  // "Name ▲" sorts by name: w000, w001 (namespaces alternate) — not by namespace first
  await page.goto(`${server.url}/definitions/shop`);
  const rows = page.getByTestId("resource-row");
  await expect(rows.nth(0)).toHaveAttribute("data-name", "w000");
  await expect(rows.nth(1)).toHaveAttribute("data-name", "w001");
  await expect(page.getByTestId("sort-name")).toContainText("▲");
  await page.getByTestId("sort-namespace").click();
  await expect(page.getByTestId("sort-namespace")).toContainText("▲");
  await expect(rows.nth(1)).toHaveAttribute("data-namespace", "team-a");
  await expect(rows.nth(1)).toHaveAttribute("data-name", "w002");

  // namespace and label filters
  await page.getByTestId("ns-filter").fill("team-b");
  await page.getByLabel("Labels").fill("app=db");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("resource-total")).toHaveText("20 matching");
  await expect(rows.first()).toHaveAttribute("data-namespace", "team-b");
  await page.getByLabel("Labels").fill("app in (");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Label selector" })).toBeVisible();

  // status chips filter at once
  await page.goto(`${server.url}/definitions/shop`);
  await page.getByTestId("status-chips").getByRole("link", { name: "Error" }).click();
  await expect(page.getByTestId("resource-total")).toHaveText("1 matching");
  await expect(rows.first()).toHaveAttribute("data-name", "w000");
  await page.goto(`${server.url}/definitions/shop`);
  await checkPage(page, "definition");
});

test("a resource with an invalid file shows its error once, not three times", async ({ page }) => {
  await login(page, server);
  await page.goto(`${server.url}/definitions/shop/resources/team-a/w000`);
  await expect(page.getByTestId("resource-error")).toHaveCount(1);
  await expect(page.getByTestId("resource-error")).toContainText("replicas");
  await expect(page.getByText("Drift", { exact: true })).toHaveCount(0);
  await expect(page.getByText("gitSync.syncError")).toHaveCount(0);
  await checkPage(page, "resource");
});

test("run page: summary, errors and log first; changes paged and filtered in place; creates as plain YAML", async ({ page }) => {
  await login(page, server);
  await page.goto(`${server.url}/runs/${shopRun}`);
  await expect(page.getByTestId("run-detail")).toHaveAttribute("data-phase", "Succeeded");
  // order on the page: log before the changes
  const logBox = await page.getByTestId("run-log").boundingBox();
  const changesBox = await page.getByTestId("changes-list").boundingBox();
  expect(logBox!.y).toBeLessThan(changesBox!.y);
  await expect(page.getByTestId("changes-total")).toHaveText("120");
  await expect(page.getByTestId("changes-page-of")).toHaveText("Page 1 of 3");
  await expect(page.getByTestId("change")).toHaveCount(50);
  await expect(page.getByText(/GET \/api/)).toHaveCount(0);
  // a create is its YAML, not a diff against nothing
  const first = page.getByTestId("change").first();
  await expect(first.getByTestId("plain-yaml")).toContainText("replicas: 1");
  await expect(page.locator(".monaco-diff-editor")).toHaveCount(0);
  await page.getByTestId("changes-next").click();
  await expect(page.getByTestId("changes-page-of")).toHaveText("Page 2 of 3");
  await expect(page.getByTestId("change").first()).toHaveAttribute("data-key", "team-a/w100"); // by namespace, then name
  await page.getByTestId("changes-name-filter").fill("w11");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("changes-total")).toHaveText("10 matching");
  await page.locator('button[data-action="create"][aria-pressed]').click();
  await expect(page.getByTestId("changes-total")).toHaveText("10 matching");
  await checkPage(page, "run");

  // the second run (w000 broken): the Errors box sits above the changes, filter by action
  // (the card test may have synced shop again since: pick the run that refused w000)
  const runs = await api<{ items: { id: string; counts: { invalid?: number } }[] }>(server, token, "GET", "/api/v1/definitions/shop/runs");
  const broken = runs.body.items.find((r) => r.id !== shopRun && (r.counts.invalid ?? 0) > 0)!;
  await page.goto(`${server.url}/runs/${broken.id}`);
  await expect(page.getByTestId("run-errors")).toContainText("resources/w000.yaml");
  await page.locator('button[data-action="invalid"][aria-pressed]').click();
  await expect(page.getByTestId("changes-total")).toHaveText("1 matching");
});

test("Add definition form: Test connection lists the kinds; Advanced JSON reports errors as line:column", async ({ page }) => {
  await login(page, server);
  await page.goto(`${server.url}/admin/definitions/new`);
  const form = page.getByTestId("definition-form");
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue("");
  await form.getByLabel("Name", { exact: true }).fill("gadgets.example.io");
  await form.getByLabel("Group", { exact: true }).fill("example.io");
  await form.getByLabel("Plural", { exact: true }).fill("widgets");
  await form.getByLabel("Repository URL").fill(git.server.url("shop"));
  await form.getByLabel("Path", { exact: true }).fill("/resources");
  await form.getByRole("button", { name: "Test connection" }).click();
  const result = page.getByTestId("connection-result");
  await expect(result).toContainText("120 files");
  await result.locator('[data-kind="Widget"]').click();
  await expect(form.getByLabel("Kind", { exact: true })).toHaveValue("Widget");
  await checkPage(page, "definition-new");

  await page.getByRole("tab", { name: "Advanced (JSON)" }).click();
  await expect(page.getByTestId("definition-editor").locator(".view-lines")).toContainText('"kind": "Widget"');
  // break the JSON: the error names line and column
  const editor = page.getByTestId("definition-editor").locator(".monaco-editor").first();
  await editor.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type(",");
  await expect(page.getByTestId("json-error")).toContainText(/line \d+:\d+/);
  await page.getByRole("button", { name: "Create definition" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "does not parse" })).toContainText(/line \d+:\d+/);
  // the Create button took the focus: back into the editor, at the end, and remove the comma
  await editor.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.press("Backspace");
  await expect(page.getByTestId("json-error")).toHaveCount(0);
  await page.getByRole("tab", { name: "Form" }).click();
  await page.getByRole("button", { name: "Create definition" }).click();
  await expect(page).toHaveURL(/\/definitions\/gadgets\.example\.io$/);
});

test("Delete says how many resources go and asks 'production' only of production definitions", async ({ page }) => {
  await login(page, server);
  await page.goto(`${server.url}/admin/definitions/shop/edit`);
  await page.getByRole("button", { name: "Delete…" }).click();
  const dialog = page.getByTestId("confirm-dialog");
  await expect(dialog.getByTestId("delete-summary")).toContainText("120 resources");
  await expect(dialog).not.toContainText("marked production");
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.goto(`${server.url}/admin/definitions/blog/edit`);
  await page.getByRole("button", { name: "Delete…" }).click();
  await expect(dialog).toContainText("This definition is marked production");
  await expect(dialog.getByTestId("delete-summary")).toContainText("1 resource ");
});

test("a failed login keeps the username; there is a favicon", async ({ page }) => {
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await expect(page.getByLabel("Username")).toHaveValue("admin");
  await expectNoSeriousA11yViolations(page, "login");
  const icon = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(icon).toBeTruthy();
  const r = await page.request.get(`${server.url}${icon}`);
  expect(r.status()).toBe(200);
  expect(r.headers()["content-type"]).toContain("image/svg");
});
