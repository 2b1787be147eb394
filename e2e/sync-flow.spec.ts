/**
 * The operator's loop on a manual definition: review the diff in Monaco, dry-run, sync,
 * see drift from an out-of-band API change and revert it, roll back to an earlier commit
 * (pin banner), resume. One server and one Git repo for the whole file, steps in order.
 */
import { test, expect, type Page } from "@playwright/test";
import type { AppServer } from "../test/support/app-server";
import type { GitFixture } from "../test/support/git-fixture";
import { commitFiles } from "../test/support/git-repo";
import { api, createDefinition, login, shot, startSpecEnv, stopSpecEnv, widgetDefinition, widgetYaml } from "./support/helpers";

test.describe.configure({ mode: "serial" });

let server: AppServer;
let git: GitFixture;
let token: string;
let repo: { dir: string; url: string };
const commits: Record<string, string> = {};
const DEF = "widgets";

type ResourceDoc = { spec: { replicas: number }; status: { drifted: boolean; gitSync: { lastCommitSHA: string | null } } };
const getWidget = (name: string) => api<ResourceDoc>(server, token, "GET", `/api/v1/resources/Widget/team-a/${name}`);

test.beforeAll(async () => {
  ({ server, git, token } = await startSpecEnv());
  repo = git.repo("widgets");
  commits.c1 = commitFiles(
    repo.dir,
    { "resources/web.yaml": widgetYaml("web", 2), "resources/api.yaml": widgetYaml("api", 1), "resources/db.yaml": widgetYaml("db", 1) },
    "first three widgets",
  );
  await createDefinition(server, token, widgetDefinition(DEF, repo.url));
});
test.afterAll(() => stopSpecEnv({ server, git }));

async function openDefinition(page: Page) {
  await page.goto(`${server.url}/definitions/${DEF}`);
  await expect(page.getByRole("heading", { level: 1, name: DEF })).toBeVisible();
}

const row = (page: Page, name: string) => page.locator(`[data-testid="resource-row"][data-name="${name}"]`);

test("Diff shows the changed resources in Monaco's DiffEditor", async ({ page }) => {
  await login(page, server);
  await openDefinition(page);
  await page.getByRole("link", { name: "Diff", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Diff review" })).toBeVisible();
  await expect(page.getByTestId("reviewed-commit")).toHaveAttribute("data-sha", commits.c1!);
  await expect(page.locator('[data-testid="plan-counts"] [data-action="create"]')).toHaveAttribute("data-count", "3");
  const changes = page.locator('[data-testid="change"]');
  await expect(changes).toHaveCount(3);
  await expect(page.locator('[data-testid="change"][data-action="create"]')).toHaveCount(3);
  // creates are plain YAML, not a diff against nothing
  await expect(page.getByTestId("plain-yaml")).toHaveCount(3);
  const web = page.locator('[data-testid="change"][data-key="team-a/web"]');
  await expect(web.getByTestId("plain-yaml")).toContainText("replicas: 2");
  await expect(web.getByTestId("plain-yaml")).toContainText("image: nginx:1.25");
  await shot(page, "diff-review");
  await page.getByRole("button", { name: "Inline view" }).first().click();
  await expect(page.getByRole("button", { name: "Side-by-side view" })).toBeVisible();
});

test("Dry-run records a run, opens it, and changes no resource", async ({ page }) => {
  await login(page, server);
  await openDefinition(page);
  await page.getByRole("button", { name: "Dry-run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("run-detail")).toHaveAttribute("data-phase", "Succeeded", { timeout: 20_000 });
  await expect(page.getByText("A dry-run records what a sync would do.")).toBeVisible();
  await expect(page.locator('[data-testid="change"][data-action="create"]')).toHaveCount(3);
  await shot(page, "run-dry-run");
  const list = await api<{ items: unknown[] }>(server, token, "GET", "/api/v1/resources?kind=Widget");
  expect(list.body.items).toHaveLength(0);
  const runs = await api<{ items: { dryRun: boolean; phase: string }[] }>(server, token, "GET", `/api/v1/definitions/${DEF}/runs`);
  expect(runs.body.items).toHaveLength(1);
  expect(runs.body.items[0]).toMatchObject({ dryRun: true, phase: "Succeeded" });
});

test("Sync confirms the plan and target commit, applies it, and statuses turn Synced with the commit", async ({ page }) => {
  await login(page, server);
  await openDefinition(page);
  await page.getByRole("button", { name: "Sync", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("plan-sentence")).toHaveText("3 create, 0 update, 0 delete");
  await expect(dialog).toContainText(commits.c1!.slice(0, 7));
  await shot(page, "sync-confirm");
  await dialog.getByRole("button", { name: `Sync ${commits.c1!.slice(0, 7)}` }).click();
  await expect(row(page, "web")).toHaveAttribute("data-status", "Synced", { timeout: 20_000 });
  for (const n of ["web", "api", "db"]) {
    await expect(row(page, n)).toHaveAttribute("data-status", "Synced");
    await expect(row(page, n).getByTestId("commit-cell")).toHaveAttribute("data-sha", commits.c1!);
  }
  await expect(page.getByTestId("run-result")).toContainText("Succeeded");
  await shot(page, "definition-synced");
});

test("Sync this revision applies exactly the reviewed commit and says when the branch moved", async ({ page }) => {
  commits.c2 = commitFiles(repo.dir, { "resources/web.yaml": widgetYaml("web", 5, "nginx:1.27") }, "scale web to 5");
  await login(page, server);
  await page.goto(`${server.url}/definitions/${DEF}/diff`);
  await expect(page.getByTestId("reviewed-commit")).toHaveAttribute("data-sha", commits.c2);
  await expect(page.locator('[data-testid="plan-counts"] [data-action="update"]')).toHaveAttribute("data-count", "1");
  const web = page.locator('[data-testid="change"][data-key="team-a/web"]');
  await expect(web).toHaveAttribute("data-action", "update");
  await expect(web.locator(".editor.original .view-lines")).toContainText("replicas: 2");
  await expect(web.locator(".editor.modified .view-lines")).toContainText("replicas: 5");
  await expect(page.locator('[data-testid="unchanged"]')).toContainText("2 unchanged resources");
  await shot(page, "diff-update");

  // Someone pushes while the operator is reviewing.
  commits.c3 = commitFiles(
    repo.dir,
    {
      "resources/cache.yaml": widgetYaml("cache", 1, "redis:7"),
      "resources/bad.yaml": "kind: Widget\nmetadata:\n  name: bad\n  namespace: team-a\nspec:\n  replicas: many\n",
    },
    "add cache (and a broken widget)",
  );
  await page.getByRole("button", { name: /Sync this revision/ }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("branch-moved")).toContainText(commits.c3.slice(0, 7));
  await shot(page, "diff-branch-moved");
  await dialog.getByRole("button", { name: `Sync ${commits.c2.slice(0, 7)}` }).click();
  await expect(page.getByTestId("run-result")).toContainText("Succeeded", { timeout: 20_000 });

  const w = await getWidget("web");
  expect(w.body.spec.replicas).toBe(5);
  expect(w.body.status.gitSync.lastCommitSHA).toBe(commits.c2);
  expect((await getWidget("cache")).status).toBe(404);
  await openDefinition(page);
  await expect(row(page, "web")).toHaveAttribute("data-status", "Synced");
  await expect(row(page, "web").getByTestId("commit-cell")).toHaveAttribute("data-sha", commits.c2);
});

test("An out-of-band API change shows as drifted, and Sync reverts it", async ({ page }) => {
  const put = await api(server, token, "PUT", "/api/v1/resources/Widget/team-a/web", {
    metadata: { name: "web", namespace: "team-a" },
    spec: { replicas: 9, image: "nginx:1.27" },
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  await login(page, server);
  await openDefinition(page);
  await expect(row(page, "web")).toHaveAttribute("data-drifted", "true");
  await expect(row(page, "web").getByText("Drifted")).toBeVisible();
  await expect(row(page, "api")).toHaveAttribute("data-drifted", "false");
  await expect(page.locator('[data-testid="status-counts"] [data-status="drifted"]')).toHaveAttribute("data-count", "1");
  await shot(page, "definition-drifted");

  await row(page, "web").getByRole("link", { name: "web" }).click();
  await expect(page.getByTestId("drift-explanation")).toContainText("changed outside Git");
  await expect(page.locator(".monaco-diff-editor .editor.original .view-lines")).toContainText("replicas: 9");
  await expect(page.locator(".monaco-diff-editor .editor.modified .view-lines")).toContainText("replicas: 5");
  await shot(page, "resource-drifted");

  await openDefinition(page);
  await page.getByRole("button", { name: "Sync", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("plan-sentence")).toContainText("1 create, 1 update, 0 delete");
  await dialog.getByRole("button", { name: /^Sync [0-9a-f]{7}$/ }).click();
  await expect(page.getByTestId("run-result")).toContainText("Succeeded", { timeout: 20_000 });
  const w = await getWidget("web");
  expect(w.body.spec.replicas).toBe(5);
  expect(w.body.status.drifted).toBe(false);
  await expect(row(page, "web")).toHaveAttribute("data-drifted", "false");
  await expect(row(page, "cache")).toHaveAttribute("data-status", "Synced");
});

test("Rollback to an earlier commit shows its diff, restores the old spec and pins; Resume clears the pin", async ({ page }) => {
  await login(page, server);
  await openDefinition(page);
  await page.getByRole("button", { name: "Rollback…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByTestId("rollback-targets")).toContainText("first three widgets");
  await dialog.getByRole("radio", { name: new RegExp(commits.c1!.slice(0, 7)) }).check();
  const web = dialog.locator('[data-testid="change"][data-key="team-a/web"]');
  await expect(web).toHaveAttribute("data-action", "update");
  await expect(web.locator(".editor.modified .view-lines")).toContainText("replicas: 2");
  await shot(page, "rollback-confirm");
  await dialog.getByRole("button", { name: `Roll back to ${commits.c1!.slice(0, 7)}` }).click();
  await expect(page.getByTestId("pin-banner")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("pin-banner")).toContainText(commits.c1!.slice(0, 7));
  const w = await getWidget("web");
  expect(w.body.spec.replicas).toBe(2);
  expect(w.body.status.gitSync.lastCommitSHA).toBe(commits.c1);
  await shot(page, "definition-pinned");

  await page.getByTestId("pin-banner").getByRole("button", { name: "Resume" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Resume" }).click();
  await expect(page.getByTestId("pin-banner")).toBeHidden();
  const def = await api<{ status: { pinnedRevision: string | null } }>(server, token, "GET", `/api/v1/definitions/${DEF}`);
  expect(def.body.status.pinnedRevision).toBeNull();
});

test("Run history lists every run with a chart; a run page shows changes, errors with file:line and the log", async ({ page }) => {
  await login(page, server);
  await page.goto(`${server.url}/definitions/${DEF}/runs`);
  await expect(page.getByTestId("run-chart")).toBeVisible();
  await expect(page.locator('[data-testid="run-row"]')).toHaveCount(5);
  await expect(page.locator('[data-testid="run-row"][data-dry-run="true"]')).toHaveCount(1);
  await shot(page, "run-history");
  // the sync that brought in c3 reported the broken file
  const runs = await api<{ items: { id: string; commit: string; dryRun: boolean; trigger: string }[] }>(
    server,
    token,
    "GET",
    `/api/v1/definitions/${DEF}/runs`,
  );
  const c3run = runs.body.items.find((r) => r.commit === commits.c3 && !r.dryRun)!;
  await page.goto(`${server.url}/runs/${c3run.id}`);
  await expect(page.getByTestId("run-errors")).toContainText("resources/bad.yaml:");
  await expect(page.getByTestId("run-log")).toContainText("plan:");
  // the update is a side-by-side diff; creates and deletes show as their YAML (issue 21)
  await expect(page.locator(".monaco-diff-editor")).toHaveCount(1);
  // the schema error names the line of the failing field (issue 21), not the document's first line
  await expect(page.getByTestId("run-errors")).toHaveText(/^resources\/bad\.yaml:\d+: spec\/replicas must be integer$/);
  await shot(page, "run-page");
});
