/** A viewer sees the run buttons disabled with a reason, and the server refuses a forged action. */
import fs from "node:fs";
import path from "node:path";
import { test, expect, type APIRequestContext } from "@playwright/test";
import { issueToken, type AppServer } from "../test/support/app-server";
import type { GitFixture } from "../test/support/git-fixture";
import { commitFiles } from "../test/support/git-repo";
import { api, createDefinition, createUser, login, shot, startSpecEnv, stopSpecEnv, widgetDefinition, widgetYaml } from "./support/helpers";

let server: AppServer;
let git: GitFixture;
let token: string;

test.beforeAll(async () => {
  ({ server, git, token } = await startSpecEnv());
  const repo = git.repo("ro");
  commitFiles(repo.dir, { "resources/web.yaml": widgetYaml("web", 2) }, "one widget");
  await createDefinition(server, token, widgetDefinition("readonly", repo.url));
  await createUser(server, token, "vera", "viewer-password-1", "viewer");
});
test.afterAll(() => stopSpecEnv({ server, git }));

const runCount = async () => (await api<{ items: unknown[] }>(server, token, "GET", "/api/v1/definitions/readonly/runs")).body.items.length;

test("a viewer sees Sync, Dry-run and Rollback disabled with the reason", async ({ page }) => {
  await login(page, server, "vera", "viewer-password-1");
  await page.goto(`${server.url}/definitions/readonly`);
  for (const name of ["Dry-run", "Sync", "Rollback…"]) {
    const b = page.getByRole("button", { name, exact: true });
    await expect(b).toBeDisabled();
    await expect(b).toHaveAttribute("data-disabled-reason", "Requires the operator role (you are viewer)");
    await expect(b.locator("xpath=..")).toHaveAttribute("title", "Requires the operator role (you are viewer)");
  }
  // Diff is a read: allowed. Refresh fetches Git and re-plans: operator work (issue 19 L6).
  await expect(page.getByRole("link", { name: "Diff", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Refresh" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Refresh" })).toHaveAttribute("data-disabled-reason", "Requires the operator role (you are viewer)");
  await shot(page, "viewer-definition");
  // No admin links for a viewer.
  await expect(page.getByRole("link", { name: "Secrets" })).toHaveCount(0);
});

test("a forged sync from a viewer is refused by the server and creates no run", async ({ page, browser }) => {
  const before = await runCount();
  await login(page, server, "vera", "viewer-password-1");
  await page.goto(`${server.url}/definitions/readonly`);
  // Forge: post the Sync server action by hand with the viewer's session cookie, as a
  // modified client would (the button is disabled, so the UI never sends it).
  const forged = await postServerAction(page.request, "syncAction", [{ name: "readonly" }]);
  expect(forged).toContain("FORBIDDEN");
  expect(await runCount()).toBe(before);
  // Same through the HTTP API with a viewer token.
  const viewerToken = await issueToken(server, "viewer", "forge");
  const r = await api(server, viewerToken, "POST", "/api/v1/definitions/readonly/sync", {});
  expect(r.status).toBe(403);
  expect(await runCount()).toBe(before);
  // Control: the very same request from an operator's session does start a run.
  await createUser(server, token, "otto", "operator-password-1", "operator");
  const ctx = await browser.newContext();
  const op = await ctx.newPage();
  await login(op, server, "otto", "operator-password-1");
  const allowed = await postServerAction(op.request, "syncAction", [{ name: "readonly", dryRun: true }]);
  expect(allowed).toContain("runId");
  await expect.poll(runCount).toBe(before + 1);
  await ctx.close();
  // The page stays usable; admin pages answer 404 to a viewer.
  await expect(page.getByRole("link", { name: "Diff", exact: true })).toBeVisible();
  const resp = await page.goto(`${server.url}/admin/users`);
  expect(resp?.status()).toBe(404);
  await shot(page, "viewer-admin-404");
});

/** Calls a server action of lib/actions/definitions.ts by its id from the build's manifest. */
async function postServerAction(request: APIRequestContext, exportedName: string, args: unknown[]): Promise<string> {
  const manifestPath = path.resolve(import.meta.dirname, "..", process.env.SYNCLINE_DIST_DIR ?? ".next", "server", "server-reference-manifest.json");
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as { node: Record<string, { filename: string; exportedName: string }> };
  const id = Object.entries(manifest.node).find(([, v]) => v.exportedName === exportedName && v.filename === "lib/actions/definitions.ts")?.[0];
  expect(id, `action ${exportedName} in the manifest`).toBeTruthy();
  const res = await request.post(`${server.url}/definitions/readonly`, {
    headers: { "Next-Action": id!, "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component", Origin: server.url },
    data: JSON.stringify(args),
  });
  return res.text();
}
