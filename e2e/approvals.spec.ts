/**
 * Issue 15, four eyes: an operator requests a sync of a production definition with
 * spec.approval; a second operator, in another browser context, reviews the stored plan and
 * approves; the run applies the reviewed commit and links the request.
 */
import { test, expect } from "@playwright/test";
import type { AppServer } from "../test/support/app-server";
import type { GitFixture } from "../test/support/git-fixture";
import { commitFiles } from "../test/support/git-repo";
import { api, createDefinition, createUser, login, shot, startSpecEnv, stopSpecEnv, widgetDefinition, widgetYaml } from "./support/helpers";

test.describe.configure({ mode: "serial" });

let server: AppServer;
let git: GitFixture;
let token: string;
let commit: string;
const DEF = "prod-widgets";

test.beforeAll(async () => {
  test.setTimeout(180_000); // a server start on a busy machine
  ({ server, git, token } = await startSpecEnv());
  const repo = git.repo("prod-widgets");
  commit = commitFiles(repo.dir, { "resources/web.yaml": widgetYaml("web", 3) }, "web with three replicas");
  const def = widgetDefinition(DEF, repo.url, { production: true });
  await createDefinition(server, token, { ...def, spec: { ...def.spec, approval: { required: 1, expiresAfter: "24h" } } });
  await createUser(server, token, "olivia", "operator-password-1", "operator");
  await createUser(server, token, "oscar", "operator-password-2", "operator");
});
test.afterAll(() => stopSpecEnv({ server, git }));

test("an operator requests a production sync, a second user approves it, the run applies the reviewed commit", async ({ browser }) => {
  const requester = await browser.newContext();
  const a = await requester.newPage();
  await login(a, server, "olivia", "operator-password-1");
  await a.goto(`${server.url}/definitions/${DEF}`);
  await a.getByRole("button", { name: "Sync", exact: true }).click();
  const dialog = a.getByRole("dialog");
  await dialog.getByLabel("Type the definition name to confirm").fill(DEF);
  await dialog.getByRole("button", { name: `Sync ${commit.slice(0, 7)}` }).click();
  await expect(a).toHaveURL(/\/approvals\/[0-9a-f-]{36}$/, { timeout: 20_000 });
  const requestUrl = a.url();
  await expect(a.getByTestId("requested-by")).toContainText("olivia");
  await expect(a.locator('[data-testid="change"]')).toHaveCount(1);
  // the requester cannot approve their own request, and the page says why
  await expect(a.getByRole("button", { name: "Approve" })).toBeDisabled();
  await expect(a.getByTestId("vote-disabled-reason")).toContainText("you requested this sync");
  await shot(a, "approval-requested");
  const none = await api<{ items: unknown[] }>(server, token, "GET", "/api/v1/resources?kind=Widget");
  expect(none.body.items).toHaveLength(0);

  const approver = await browser.newContext();
  const b = await approver.newPage();
  await login(b, server, "oscar", "operator-password-2");
  await expect(b.getByTestId("pending-approvals")).toContainText("1");
  await b.getByTestId("pending-approvals").click();
  await b.locator('[data-testid="approval-row"] a').first().click();
  await expect(b).toHaveURL(requestUrl);
  // the reviewed plan: the one create shows as its YAML (issue 21: no diff against nothing)
  await expect(b.getByTestId("plain-yaml")).toContainText("replicas: 3");
  await b.getByLabel("Comment (optional)").fill("reviewed, ship it");
  await b.getByRole("button", { name: "Approve" }).click();
  await expect(b.getByTestId("approval-run")).toBeVisible({ timeout: 20_000 });
  await expect(b.getByTestId("approvals")).toContainText("oscar");
  await shot(b, "approval-applied");

  const id = requestUrl.split("/").pop()!;
  const req = await api<{ state: string; runId: string; commit: string }>(server, token, "GET", `/api/v1/approval-requests/${id}`);
  expect(req.body).toMatchObject({ state: "Applied", commit });
  await expect
    .poll(async () => (await api<{ phase: string }>(server, token, "GET", `/api/v1/runs/${req.body.runId}`)).body.phase, { timeout: 20_000 })
    .toBe("Succeeded");
  const run = await api<{ commit: string; approvalRequestId: string; initiator: string }>(server, token, "GET", `/api/v1/runs/${req.body.runId}`);
  expect(run.body).toMatchObject({ commit, approvalRequestId: id, initiator: "olivia" });
  const web = await api<{ spec: { replicas: number } }>(server, token, "GET", "/api/v1/resources/Widget/team-a/web");
  expect(web.body.spec.replicas).toBe(3);
  await requester.close();
  await approver.close();
});
