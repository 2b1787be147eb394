/**
 * Issue 20 in the dashboard, on a real public repository (test/fixtures/repos/argocd-example-apps):
 * a definition whose documents carry no namespace shows why nothing syncs; the editor's
 * "Target namespace" field fixes it; the file search says which exclude glob left a file out.
 * Counts written down from reading sock-shop/base: 14 Deployments, 14 Services, 1 Ingress
 * (test/fixtures/real-repos-namespace.test.ts checks them against git + yaml).
 */
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { test, expect } from "@playwright/test";
import { issueToken, startAppServer, type AppServer } from "../test/support/app-server";
import { startGitHttpServer, type GitHttpServer } from "../test/support/git-http-server";
import { gitEnv, makeTempDir } from "../test/support/git-repo";
import { fixtureBundle } from "../test/support/fixture-repos";
import { api, createDefinition, login, shot, syncNow } from "./support/helpers";

let server: AppServer;
let gitServer: GitHttpServer;
let token: string;
let root: string;

test.beforeAll(async () => {
  root = makeTempDir("syncline-e2e-issue20-");
  execFileSync("git", ["clone", "-q", "--bare", fixtureBundle("argocd-example-apps"), path.join(root, "argocd-example-apps.git")], { env: gitEnv() });
  [server, gitServer] = await Promise.all([startAppServer({ env: { SYNCLINE_SCHEDULER: "0" } }), startGitHttpServer({ root })]);
  token = await issueToken(server, "admin");
});
test.afterAll(async () => {
  await server?.stop();
  await gitServer?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const definition = (name: string, kind: string, gitops: Record<string, unknown>) => ({
  metadata: { name },
  spec: {
    group: "k8s.io",
    version: "v1",
    names: { kind, plural: `${kind.toLowerCase()}s` },
    scope: "Namespaced",
    gitops: { repoURL: gitServer.url("argocd-example-apps.git"), branch: "main", interval: 3600, ...gitops },
  },
});

test("nothing syncs without a namespace: the page says why, the editor's Target namespace field fixes it", async ({ page }) => {
  await createDefinition(server, token, definition("sock-deployments.k8s.io", "Deployment", { path: "/sock-shop/base" }));
  await login(page, server);
  await page.goto(`${server.url}/definitions/sock-deployments.k8s.io`);
  const why = page.getByTestId("discovery");
  await expect(why).toContainText("Why is nothing syncing?");
  await expect(page.getByTestId("discovery-hint")).toContainText("set spec.gitops.targetNamespace");
  const kinds = page.getByTestId("discovery-kinds");
  await expect(kinds.locator('[data-kind="Deployment"]')).toHaveAttribute("data-count", "14");
  await expect(kinds.locator('[data-kind="Service"]')).toHaveAttribute("data-count", "14");
  await expect(kinds.locator('[data-kind="Ingress"]')).toHaveAttribute("data-count", "1");
  await expect(page.getByTestId("discovery-problems").locator("li").first()).toHaveAttribute("data-count", "14");
  await expect(page.getByTestId("target-namespace")).toContainText("documents must name their namespace");
  await shot(page, "issue20-why-nothing-syncs");

  await page.goto(`${server.url}/admin/definitions/sock-deployments.k8s.io/edit`);
  const fields = page.getByTestId("gitops-source-fields");
  await expect(page.getByTestId("namespace-change-note")).toHaveCount(0);
  await fields.getByLabel("Target namespace").fill("sock-shop");
  await expect(page.getByTestId("namespace-change-note")).toContainText("the next sync creates them in the new namespace");
  await fields.getByLabel("Exclude globs (one a line)").fill("*-ingress.yaml");
  await expect(page.getByTestId("definition-editor").locator(".view-lines")).toContainText('"targetNamespace": "sock-shop"');
  await shot(page, "issue20-editor-fields");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Saved sock-deployments.k8s.io.")).toBeVisible();
  const saved = await api<{ spec: { gitops: Record<string, unknown> } }>(server, token, "GET", "/api/v1/definitions/sock-deployments.k8s.io");
  expect(saved.body.spec.gitops).toMatchObject({ targetNamespace: "sock-shop", exclude: ["*-ingress.yaml"] });

  const run = await syncNow(server, token, "sock-deployments.k8s.io");
  expect(run.phase).toBe("Succeeded");
  const listed = await api<{ items: { metadata: { namespace: string } }[] }>(server, token, "GET", "/api/v1/resources?kind=Deployment&limit=100");
  expect(listed.body.items).toHaveLength(14);
  expect(new Set(listed.body.items.map((r) => r.metadata.namespace))).toEqual(new Set(["sock-shop"]));
  await page.goto(`${server.url}/definitions/sock-deployments.k8s.io`);
  await expect(page.getByTestId("target-namespace")).toContainText("sock-shop");
  await expect(page.getByTestId("source-globs")).toContainText("exclude *-ingress.yaml");
  await expect(page.getByTestId("discovery")).toHaveCount(0);
});

test("the file search says which exclude glob left a Helm template out, and that a manifest is read", async ({ page }) => {
  await createDefinition(server, token, definition("all-services.k8s.io", "Service", { path: "/", targetNamespace: "demo", exclude: ["**/templates/**"] }));
  await login(page, server);
  await page.goto(`${server.url}/definitions/all-services.k8s.io`);
  await page.getByText("Is a file read? Search the files under the path").click();
  await page.getByLabel("File path or part of one").fill("helm-guestbook/templates/deployment");
  await page.getByRole("button", { name: "Search" }).click();
  const results = page.getByTestId("file-search-results");
  const tpl = results.locator('[data-path="helm-guestbook/templates/deployment.yaml"]');
  await expect(tpl).toHaveAttribute("data-status", "excluded");
  await expect(tpl).toContainText('left out by gitops.exclude "**/templates/**"');
  await page.getByLabel("File path or part of one").fill("sock-shop/base/carts-svc");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(results.locator('[data-path="sock-shop/base/carts-svc.yaml"]')).toHaveAttribute("data-status", "read");
  await shot(page, "issue20-file-search");
});
