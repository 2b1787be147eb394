/**
 * Live pages: two browser contexts; one clicks Sync, the other (on the overview, never
 * reloaded) sees the run's progress and then the new status from the event stream. With
 * EventSource blocked, the page says "polling" and still follows a sync started elsewhere.
 */
import http from "node:http";
import { test, expect, type Page } from "@playwright/test";
import type { AppServer } from "../test/support/app-server";
import type { GitFixture } from "../test/support/git-fixture";
import { commitFiles } from "../test/support/git-repo";
import { api, createDefinition, login, shot, startSpecEnv, stopSpecEnv, widgetDefinition, widgetYaml } from "./support/helpers";

test.describe.configure({ mode: "serial" });

let server: AppServer;
let git: GitFixture;
let token: string;
let slow: { url: (name: string) => string; close: () => Promise<void> };

/** In front of the Git server: every upload-pack request (ref listing and fetch) waits 3 s, so a run stays visible while it fetches. */
async function startSlowGit(target: string) {
  const upstream = new URL(target);
  const proxy = http.createServer((req, res) => {
    const forward = () => {
      const p = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      p.on("error", () => res.destroy());
      req.pipe(p);
    };
    if ((req.url ?? "").includes("git-upload-pack")) setTimeout(forward, 3_000);
    else forward();
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const port = (proxy.address() as { port: number }).port;
  return {
    url: (name: string) => `http://127.0.0.1:${port}/${name}`,
    close: () => new Promise<void>((r) => (proxy.closeAllConnections(), proxy.close(() => r()))),
  };
}

test.beforeAll(async () => {
  ({ server, git, token } = await startSpecEnv());
  slow = await startSlowGit(git.server.url(""));
  for (const name of ["live", "polled"]) {
    const repo = git.repo(name);
    const kind = name === "live" ? "Widget" : "Gadget";
    commitFiles(
      repo.dir,
      { "resources/web.yaml": widgetYaml("web", 2, "nginx:1.25", kind), "resources/api.yaml": widgetYaml("api", 1, "nginx:1.25", kind) },
      "two",
    );
    await createDefinition(server, token, widgetDefinition(name, name === "live" ? slow.url(name) : repo.url, { kind }));
  }
});
test.afterAll(async () => {
  await slow?.close();
  await stopSpecEnv({ server, git });
});

const definitionRow = (page: Page, name: string) => page.locator(`[data-testid="definition-row"][data-name="${name}"]`);

/** a mark on the window: gone if the page reloads */
async function markPage(page: Page) {
  await page.evaluate(() => ((window as unknown as { __notReloaded: boolean }).__notReloaded = true));
}
async function expectNotReloaded(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
}

test("a Sync clicked in one browser shows up live in another: run progress, then the new status", async ({ browser }) => {
  test.setTimeout(120_000);
  const watcherContext = await browser.newContext();
  const actorContext = await browser.newContext();
  try {
    const watcher = await watcherContext.newPage();
    await login(watcher, server);
    await watcher.goto(`${server.url}/`);
    await expect(watcher.getByTestId("live-indicator")).toHaveAttribute("data-mode", "live");
    await expect(definitionRow(watcher, "live")).not.toHaveAttribute("data-status", "Synced");
    await markPage(watcher);

    const actor = await actorContext.newPage();
    await login(actor, server);
    await actor.goto(`${server.url}/definitions/live`);
    await actor.getByRole("button", { name: "Sync", exact: true }).click();
    const dialog = actor.getByRole("dialog");
    await dialog.getByRole("button", { name: /^Sync [0-9a-f]{7}$/ }).click({ timeout: 30_000 });

    // the watcher, never reloaded: the active run's progress, then the synced status
    const progress = definitionRow(watcher, "live").getByTestId("run-progress");
    await expect(progress).toBeVisible({ timeout: 15_000 });
    await expect(progress).toHaveAttribute("data-phase", "Running");
    await shot(watcher, "live-run-progress");
    await expect(definitionRow(watcher, "live")).toHaveAttribute("data-status", "Synced", { timeout: 30_000 });
    await expect(definitionRow(watcher, "live").locator('[data-testid="status-counts"] li[data-status="Synced"]')).toHaveAttribute("data-count", "2");
    await expectNotReloaded(watcher);
    await expect(watcher.getByTestId("live-indicator")).toHaveAttribute("data-mode", "live");
  } finally {
    await watcherContext.close();
    await actorContext.close();
  }
});

test("with the event stream blocked the page polls and still shows a sync started elsewhere", async ({ page }) => {
  let blocked = 0;
  await page.route("**/api/v1/events**", (route) => {
    blocked++;
    return route.abort();
  });
  await login(page, server);
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-mode", "polling");
  await expect(page.getByTestId("live-indicator")).toHaveText("polling");
  expect(blocked).toBeGreaterThan(0);
  await expect(definitionRow(page, "polled")).not.toHaveAttribute("data-status", "Synced");
  await markPage(page);
  const r = await api(server, token, "POST", "/api/v1/definitions/polled/sync?wait=true", {});
  expect(r.status).toBe(200);
  await expect(definitionRow(page, "polled")).toHaveAttribute("data-status", "Synced", { timeout: 15_000 });
  await expect(definitionRow(page, "polled").locator('[data-testid="status-counts"] li[data-status="Synced"]')).toHaveAttribute("data-count", "2");
  await expectNotReloaded(page);
  await shot(page, "live-polling");
});
