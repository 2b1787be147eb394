/**
 * Issue 21, "honest status" and "acting on one thing", in Chromium: the Git head line and
 * "behind" after another client's commit (no Refresh clicked), a run with problems in amber on the
 * run page, history and overview, the problems panel, Git errors as a state (card, header,
 * Refresh, Diff), the pinned diff page, and one-resource actions with production confirmation.
 */
import { test, expect, type Page } from "@playwright/test";
import type { AppServer } from "../test/support/app-server";
import type { GitFixture } from "../test/support/git-fixture";
import { commitFiles } from "../test/support/git-repo";
import { api, createDefinition, login, shot, startSpecEnv, stopSpecEnv, syncNow, widgetDefinition, widgetYaml } from "./support/helpers";

test.describe.configure({ mode: "serial" });

let server: AppServer;
let git: GitFixture;
let token: string;
let repo: { dir: string; url: string };
const commits: Record<string, string> = {};
const DEF = "gadgets";
const BROKEN = "broken-source";

test.beforeAll(async () => {
  ({ server, git, token } = await startSpecEnv());
  repo = git.repo("gadgets");
  commits.c1 = commitFiles(
    repo.dir,
    {
      "resources/web.yaml": widgetYaml("web", 2, "nginx:1.25", "Gadget"),
      "resources/api.yaml": widgetYaml("api", 1, "nginx:1.25", "Gadget"),
      "resources/bad.yaml": "kind: Gadget\nmetadata:\n  name: bad\n  namespace: team-a\nspec:\n  image: x\n  replicas: many\n",
      "resources/broken.yaml": "kind: Gadget\nmetadata: [unclosed\n",
    },
    "first gadgets",
  );
  await createDefinition(server, token, widgetDefinition(DEF, repo.url, { kind: "Gadget", production: true }));
  await createDefinition(server, token, widgetDefinition(BROKEN, git.server.url("no-such-repo"), { kind: "Sprocket" }));
});
test.afterAll(() => stopSpecEnv({ server, git }));

const card = (page: Page, name: string) => page.locator("li", { has: page.getByRole("link", { name, exact: true }) });

test("a run that refused a resource and skipped a file is amber everywhere, and its Errors list the file", async ({ page }) => {
  await syncNow(server, token, DEF);
  await login(page, server);
  await page.goto(server.url);
  await expect(card(page, DEF).getByTestId("run-outcome")).toHaveText("Succeeded with 2 problems");
  await expect(card(page, DEF).getByTestId("problem-counts")).toContainText("1 invalid resource · 1 broken file");
  await page.goto(`${server.url}/definitions/${DEF}`);
  await expect(page.getByTestId("problems-panel")).toContainText("1 invalid resource");
  await expect(page.getByTestId("problems-panel")).toContainText("1 file could not be read");
  await page.getByTestId("problem-files").getByRole("link").click();
  await expect(page.getByTestId("run-outcome")).toHaveText("Succeeded with 2 problems");
  await expect(page.getByTestId("run-file-problem")).toContainText(/resources\/broken\.yaml:\d+/);
  // the schema error names the failing field's line (replicas is on line 7)
  await expect(page.getByTestId("run-errors")).toContainText("resources/bad.yaml:7: spec/replicas");
  await shot(page, "run-with-problems");
  await page.goto(`${server.url}/definitions/${DEF}/runs`);
  await expect(page.getByTestId("run-outcome").first()).toHaveText("Succeeded with 2 problems");
});

test("the Git head shows on the card and the header; another client's commit makes it behind without a Refresh", async ({ browser }) => {
  const watcher = await browser.newContext();
  const page = await watcher.newPage();
  await login(page, server);
  await page.goto(`${server.url}/definitions/${DEF}`);
  await expect(page.getByTestId("git-head-sha")).toHaveAttribute("data-sha", commits.c1!);
  await expect(page.getByTestId("git-head")).toContainText("first gadgets");
  await expect(page.getByTestId("git-behind")).toHaveText("(at the head)");
  // someone else pushes
  commits.c2 = commitFiles(
    repo.dir,
    { "resources/web.yaml": widgetYaml("web", 5, "nginx:1.25", "Gadget"), "resources/bad.yaml": null, "resources/broken.yaml": null },
    "scale web, fix the files",
  );
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId("git-head-sha").getAttribute("data-sha");
      },
      { timeout: 30_000, intervals: [2_000] },
    )
    .toBe(commits.c2);
  await expect(page.getByTestId("git-behind")).toContainText("behind");
  await expect(page.locator('[title="Definition sync status"] [data-status]')).toHaveAttribute("data-status", "OutOfSync");
  await page.goto(server.url);
  await expect(card(page, DEF).getByTestId("git-behind")).toContainText("behind");
  await shot(page, "overview-behind");
  await watcher.close();
});

test("Git errors are a state with their cause: card, header, Refresh and Diff never a 500", async ({ page }) => {
  await login(page, server);
  await page.goto(server.url);
  await expect(card(page, BROKEN).getByTestId("git-error")).toHaveAttribute("data-cause", "not-found");
  await expect(card(page, BROKEN).getByRole("link", { name: /Add secret/ })).toBeVisible();
  await page.goto(`${server.url}/definitions/${BROKEN}`);
  await expect(page.getByTestId("git-error")).toContainText("repository or branch not found");
  await page.getByRole("button", { name: "Refresh" }).click();
  await expect(page.getByText(/refresh failed: .*not found/i)).toBeVisible();
  await expect(page.getByText("Something went wrong")).toHaveCount(0);
  await shot(page, "definition-git-error");
  const r = await page.goto(`${server.url}/definitions/${BROKEN}/diff`);
  expect(r?.status()).toBeLessThan(500);
  await expect(page.getByText(/not found/i).first()).toBeVisible();
});

test("revert drift on the resource page: production asks for the name, the run has one change", async ({ page }) => {
  // apply c2 first, then change api outside Git
  await syncNow(server, token, DEF);
  const put = await api(server, token, "PUT", "/api/v1/resources/Gadget/team-a/api", {
    kind: "Gadget",
    metadata: { name: "api", namespace: "team-a" },
    spec: { replicas: 9, image: "hand-edited" },
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  await login(page, server);
  await page.goto(`${server.url}/definitions/${DEF}/resources/team-a/api`);
  await page.getByRole("button", { name: "Revert drift" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("button", { name: "Revert drift" })).toBeDisabled();
  await dialog.getByRole("textbox").fill(DEF);
  await dialog.getByRole("button", { name: "Revert drift" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("run-detail")).toHaveAttribute("data-phase", "Succeeded", { timeout: 20_000 });
  await expect(page.locator('[data-testid="change"]')).toHaveCount(1);
  const after = await api<{ spec: { replicas: number; image: string }; status: { drifted: boolean } }>(
    server,
    token,
    "GET",
    "/api/v1/resources/Gadget/team-a/api",
  );
  expect(after.body.spec).toEqual({ replicas: 1, image: "nginx:1.25" });
  expect(after.body.status.drifted).toBe(false);
});

test("while pinned, the diff page never says the branch is at the pinned commit", async ({ page }) => {
  commits.c3 = commitFiles(repo.dir, { "resources/web.yaml": widgetYaml("web", 7, "nginx:1.25", "Gadget") }, "scale web again");
  const rb = await api<{ id: string }>(server, token, "POST", `/api/v1/definitions/${DEF}/rollback`, { commit: commits.c2 });
  expect(rb.status, JSON.stringify(rb.body)).toBeLessThan(300);
  await expect
    .poll(async () => (await api<{ phase: string }>(server, token, "GET", `/api/v1/runs/${rb.body.id.slice(0, 8)}?limit=0`)).body.phase, { timeout: 20_000 })
    .toBe("Succeeded");
  await login(page, server);
  await page.goto(`${server.url}/definitions/${DEF}/diff`);
  await expect(page.getByTestId("diff-source")).toContainText("Pinned commit");
  await expect(page.getByTestId("diff-source")).not.toContainText("Git main at");
  await page.goto(`${server.url}/definitions/${DEF}`);
  await expect(page.getByTestId("git-ahead")).toContainText("main is 1 commit ahead");
  await shot(page, "definition-pinned-ahead");
});
