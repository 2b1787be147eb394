/** SOPS in the dashboard (issue 13): a sops-age secret from the secrets page, decryption picked in the definition editor, lock marks on the resource page. */
import { test, expect } from "@playwright/test";
import type { AppServer } from "../test/support/app-server";
import type { GitFixture } from "../test/support/git-fixture";
import { commitFiles } from "../test/support/git-repo";
import { encryptSopsDocument, newAgeIdentity, sopsYaml } from "../test/support/sops";
import { api, createDefinition, login, shot, startSpecEnv, stopSpecEnv, syncNow, widgetDefinition } from "./support/helpers";

let server: AppServer;
let git: GitFixture;
let token: string;
const SECRET_VALUE = "e2e-Pa55-sops-Qx7";

test.beforeAll(async () => {
  ({ server, git, token } = await startSpecEnv());
});
test.afterAll(() => stopSpecEnv({ server, git }));

test("secrets page stores age identities; the editor sets decryption; the resource page marks SOPS fields with a lock, never the value", async ({ page }) => {
  const key = await newAgeIdentity();
  const repo = git.repo("sops-e2e");
  const doc = { kind: "Widget", metadata: { name: "locked", namespace: "team-a" }, spec: { replicas: 1, image: SECRET_VALUE } };
  commitFiles(
    repo.dir,
    { "resources/locked.yaml": sopsYaml([await encryptSopsDocument(doc, { recipients: [key.recipient], encryptedRegex: "^image$" })]) },
    "encrypted",
  );

  await login(page, server);
  await page.goto(`${server.url}/admin/secrets`);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("age-keys");
  await page.getByRole("combobox", { name: "Type" }).selectOption("sops-age");
  await page.locator('textarea[name="identities"]').fill(`# e2e\n${key.identity}\n`);
  await page.getByRole("button", { name: "Save secret" }).click();
  await expect(page.getByText("Saved age-keys (sops-age).")).toBeVisible();
  await expect(page.getByTestId("secrets-table")).toContainText("sops-age");
  expect(await page.content()).not.toContain(key.identity);

  await createDefinition(server, token, widgetDefinition("locked.example.io", repo.url));
  await page.goto(`${server.url}/admin/definitions/locked.example.io/edit`);
  await expect(page.getByTestId("definition-editor").locator(".monaco-editor").first()).toBeVisible();
  await page.getByLabel("SOPS decryption").selectOption("age-keys");
  await expect(page.getByLabel("SOPS decryption")).toHaveValue("age-keys");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Saved locked.example.io.")).toBeVisible();
  const def = await api<{ spec: { gitops: { decryption?: unknown } } }>(server, token, "GET", "/api/v1/definitions/locked.example.io");
  expect(def.body.spec.gitops.decryption).toEqual({ provider: "sops", secretName: "age-keys" });

  await syncNow(server, token, "locked.example.io");
  await page.goto(`${server.url}/definitions/locked.example.io/resources/team-a/locked`);
  const marks = page.getByTestId("sops-fields");
  await expect(marks).toContainText("spec.image");
  await expect(marks).toContainText(/fingerprint [0-9a-f]{8}/);
  await expect(marks.getByRole("img", { name: "encrypted with SOPS" })).toBeVisible();
  await shot(page, "sops-resource");
  expect(await page.content()).not.toContain(SECRET_VALUE);
});
