/**
 * Comparable history in the browser (issue 16): tick two runs (or a run and Live) in the run
 * history → the compare page with both commits, counts and Monaco's side-by-side diff; the
 * rollback dialog picks from the commits that changed the path and previews what the rollback
 * then applies.
 */
import { test, expect } from "@playwright/test";
import type { AppServer } from "../test/support/app-server";
import type { GitFixture } from "../test/support/git-fixture";
import { commitFiles } from "../test/support/git-repo";
import { api, createDefinition, login, shot, startSpecEnv, stopSpecEnv, syncNow, widgetDefinition, widgetYaml } from "./support/helpers";

test.describe.configure({ mode: "serial" });

let server: AppServer;
let git: GitFixture;
let token: string;
const c: string[] = [];
const runs: string[] = [];
const DEF = "compared";

test.beforeAll(async () => {
  test.setTimeout(180_000); // a server start and two syncs on a shared machine
  ({ server, git, token } = await startSpecEnv());
  const repo = git.repo("compared");
  c.push(commitFiles(repo.dir, { "resources/web.yaml": widgetYaml("web", 2), "resources/api.yaml": widgetYaml("api", 1) }, "web and api"));
  c.push(commitFiles(repo.dir, { "docs/notes.md": "not a resource\n" }, "notes only"));
  c.push(
    commitFiles(
      repo.dir,
      { "resources/web.yaml": widgetYaml("web", 4), "resources/api.yaml": null, "resources/db.yaml": widgetYaml("db", 1) },
      "scale web, swap api for db",
    ),
  );
  await createDefinition(server, token, {
    ...widgetDefinition(DEF, repo.url),
    spec: { ...widgetDefinition(DEF, repo.url).spec, syncPolicy: { automated: false, prune: true } },
  });
  runs.push((await syncNow(server, token, DEF, { revision: c[0] })).id);
  runs.push((await syncNow(server, token, DEF)).id);
});
test.afterAll(() => stopSpecEnv({ server, git }));

test("ticking two runs opens the compare page with both commits, counts and the side-by-side diff", async ({ page }) => {
  await login(page, server);
  await page.goto(`${server.url}/definitions/${DEF}/runs`);
  await page.getByRole("checkbox", { name: `Compare run ${runs[0]!.slice(0, 8)}` }).check();
  await page.getByRole("checkbox", { name: `Compare run ${runs[1]!.slice(0, 8)}` }).check();
  await page.getByRole("button", { name: "Compare", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Compare history" })).toBeVisible();
  await expect(page.getByTestId("compare-from")).toHaveAttribute("data-commit", c[0]!);
  await expect(page.getByTestId("compare-to")).toHaveAttribute("data-commit", c[2]!);
  await expect(page.getByTestId("compare-from")).toContainText("web and api");
  await expect(page.getByTestId("compare-to")).toContainText("scale web, swap api for db");
  await expect(page.getByTestId("compare-to")).toContainText("Syncline Test");
  await expect(page.getByTestId("compare-from").getByTestId("side-run-link")).toHaveAttribute("href", `/runs/${runs[0]}`);
  for (const [action, n] of [
    ["create", "1"],
    ["update", "1"],
    ["delete", "1"],
  ] as const) {
    await expect(page.locator(`[data-testid="plan-counts"] [data-action="${action}"]`)).toHaveAttribute("data-count", n);
  }
  const web = page.locator('[data-testid="change"][data-key="team-a/web"]');
  await expect(web).toHaveAttribute("data-action", "update");
  await expect(web.locator(".monaco-diff-editor .editor.original .view-lines")).toContainText("replicas: 2");
  await expect(web.locator(".monaco-diff-editor .editor.modified .view-lines")).toContainText("replicas: 4");
  await expect(page.locator('[data-testid="change"][data-key="team-a/api"]')).toHaveAttribute("data-action", "delete");
  await shot(page, "compare-runs");
  // the same two points as stored after each run
  await page.getByTestId("switch-mode").click();
  await expect(page.getByText("The store after each side's run")).toBeVisible();
  await expect(page.locator('[data-testid="plan-counts"] [data-action="update"]')).toHaveAttribute("data-count", "1");
});

test("a run and Live compare the store after that run with the store now", async ({ page }) => {
  await login(page, server);
  await page.goto(`${server.url}/definitions/${DEF}/runs`);
  await page.getByRole("checkbox", { name: "Compare the live store" }).check();
  await page.getByRole("checkbox", { name: `Compare run ${runs[1]!.slice(0, 8)}` }).check();
  await page.getByRole("combobox", { name: "Compare mode" }).selectOption("applied");
  await page.getByRole("button", { name: "Compare", exact: true }).click();
  await expect(page.getByTestId("compare-to")).toContainText("Live store (now)");
  await expect(page.getByText("No changes between the two.")).toBeVisible();
});

test("the rollback dialog lists the commits that changed the path and previews what the rollback applies", async ({ page }) => {
  await login(page, server);
  await page.goto(`${server.url}/definitions/${DEF}`);
  await page.getByRole("button", { name: "Rollback…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByTestId("load-path-commits").click();
  const listed = dialog.locator('[data-testid="path-commit"]');
  await expect(listed).toHaveCount(2);
  await expect(listed.nth(0)).toHaveAttribute("data-sha", c[2]!);
  await expect(listed.nth(1)).toHaveAttribute("data-sha", c[0]!);
  await expect(dialog.getByTestId("path-commits")).not.toContainText("notes only");
  await listed.nth(1).getByRole("radio").check();
  const preview = dialog.getByTestId("rollback-preview");
  await expect(preview.getByTestId("plan-sentence")).toHaveText("1 create, 1 update, 1 delete");
  await shot(page, "rollback-preview");
  await dialog.getByRole("button", { name: `Roll back to ${c[0]!.slice(0, 7)}` }).click();
  await expect(page.getByTestId("pin-banner")).toBeVisible({ timeout: 20_000 });
  const history = await api<{ items: { trigger: string; phase: string; counts: Record<string, number> }[] }>(
    server,
    token,
    "GET",
    `/api/v1/definitions/${DEF}/runs`,
  );
  const rollback = history.body.items[0]!;
  expect(rollback).toMatchObject({ trigger: "rollback", phase: "Succeeded" });
  expect([rollback.counts.create, rollback.counts.update, rollback.counts.delete]).toEqual([1, 1, 1]);
});
