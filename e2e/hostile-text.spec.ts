/**
 * Hostile text renders as inert text: markup, `javascript:` links, right-to-left and
 * zero-width characters in labels, specs, commit messages and definition names reach the
 * pages as text, never as elements or script.
 */
import { test, expect, type Page } from "@playwright/test";
import type { AppServer } from "../test/support/app-server";
import type { GitFixture } from "../test/support/git-fixture";
import { commitFiles } from "../test/support/git-repo";
import { createDefinition, login, shot, startSpecEnv, stopSpecEnv, syncNow, widgetDefinition } from "./support/helpers";

test.describe.configure({ mode: "serial" });

let server: AppServer;
let git: GitFixture;
let token: string;
const DEF = "hostile";
const IMG = `<img src=x onerror="window.__pwned=1">`;
const LINK = `<a href="javascript:window.__pwned=2">click</a>`;
const RTL = "\u202Egnp.exe\u200B";

test.beforeAll(async () => {
  ({ server, git, token } = await startSpecEnv());
  const repo = git.repo("hostile");
  const doc = {
    kind: "Widget",
    metadata: { name: "web", namespace: "team-a", labels: { note: "x" }, annotations: { html: IMG, link: LINK, rtl: RTL } },
    spec: { replicas: 1, image: `${IMG}${LINK}${RTL}` },
  };
  commitFiles(repo.dir, { "resources/web.json": JSON.stringify(doc, null, 2) }, `deploy ${IMG} ${LINK} ${RTL}`);
  await createDefinition(server, token, widgetDefinition(DEF, repo.url));
  await syncNow(server, token, DEF);
});
test.afterAll(() => stopSpecEnv({ server, git }));

async function expectInert(page: Page) {
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
}

test("commit messages with markup show as text on the run history and overview", async ({ page }) => {
  await login(page, server);
  await page.goto(`${server.url}/definitions/${DEF}/runs`);
  await expect(page.getByText(IMG, { exact: false }).first()).toBeVisible();
  await expectInert(page);
  await page.goto(`${server.url}/`);
  await expectInert(page);
  await shot(page, "hostile-runs");
});

test("labels, annotations and spec values with markup stay text on the resource page and its run", async ({ page }) => {
  await login(page, server);
  await page.goto(`${server.url}/definitions/${DEF}/resources/team-a/web`);
  await expect(page.getByRole("heading", { name: /web/ }).first()).toBeVisible();
  // Monaco shows the manifest as text; give it time to render before looking for injected nodes
  await page.waitForTimeout(1500);
  await expectInert(page);
  await shot(page, "hostile-resource");
  await page.goto(`${server.url}/definitions/${DEF}/runs`);
  await page.locator('a[href^="/runs/"]').first().click();
  await page.waitForTimeout(1500);
  await expectInert(page);
});
