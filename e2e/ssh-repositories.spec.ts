/**
 * SSH repositories in the dashboard, against a real OpenSSH server: the secrets page creates a
 * git-ssh secret and shows the public key's fingerprint; a sync of an SSH definition fails with the
 * unknown host key's fingerprint on the definition page; an admin trusts it there (confirmation);
 * the next sync succeeds; the SSH host keys page lists the key.
 */
import fs from "node:fs";
import path from "node:path";
import { test, expect } from "@playwright/test";
import type { AppServer } from "../test/support/app-server";
import type { GitFixture } from "../test/support/git-fixture";
import { commitFiles, createRepo, git as runGit, makeTempDir } from "../test/support/git-repo";
import { makeKey, startSshd, type Sshd } from "../test/support/sshd";
import { fingerprint, parsePublicKey } from "../lib/server/git/known-hosts";
import { api, createDefinition, login, shot, startSpecEnv, stopSpecEnv, widgetDefinition, widgetYaml } from "./support/helpers";

let server: AppServer;
let git: GitFixture;
let token: string;
let sshd: Sshd;

function fp(k: string): string {
  const p = parsePublicKey(k);
  if (!p.ok) throw new Error(p.reason);
  return fingerprint(p.blob);
}

test.beforeAll(async () => {
  ({ server, git, token } = await startSpecEnv());
  sshd = await startSshd({ port: 2222 });
});
test.afterAll(async () => {
  await stopSpecEnv({ server, git });
  await sshd?.close();
});

test("git-ssh secret from the secrets page, unknown host key shown on the definition page, trusted there, then the sync succeeds", async ({ page }) => {
  test.setTimeout(120_000);
  const key = makeKey(makeTempDir("syncline-e2e-key-"), "deploy", "ed25519");
  sshd.authorize(key.publicKey);
  const work = makeTempDir("syncline-e2e-ssh-");
  createRepo(work);
  commitFiles(work, { "resources/a.yaml": widgetYaml("a", 2) }, "one widget");
  const bare = path.join(sshd.dir, "org", "widgets.git");
  fs.mkdirSync(path.dirname(bare), { recursive: true });
  runGit(work, ["clone", "-q", "--bare", work, bare]);

  await login(page, server);
  await page.goto(`${server.url}/admin/secrets`);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("deploy");
  await page.getByRole("combobox", { name: "Type" }).selectOption("git-ssh");
  await page.getByTestId("secret-privateKey").fill(key.privateKey);
  await page.getByRole("button", { name: "Save secret" }).click();
  await expect(page.getByTestId("ssh-public-key")).toContainText(fp(key.publicKey));
  await expect(page.locator("body")).not.toContainText("PRIVATE KEY-----");
  await shot(page, "secrets-git-ssh");

  const def = widgetDefinition("widgets.ssh.example.io", `ssh://${sshd.user}@${sshd.host}:${sshd.port}${bare}`);
  (def.spec.gitops as Record<string, unknown>).secretName = "deploy";
  await createDefinition(server, token, def);
  const first = await api<{ phase: string; error: string | null }>(server, token, "POST", "/api/v1/definitions/widgets.ssh.example.io/sync?wait=true", {});
  expect(first.body.phase).toBe("Failed");
  expect(first.body.error).toContain("SSH_HOST_KEY_UNKNOWN");

  await page.goto(`${server.url}/definitions/widgets.ssh.example.io`);
  await expect(page.getByTestId("host-key-fingerprint")).toHaveText(fp(sshd.hostKey));
  await shot(page, "definition-host-key-unknown");
  await page.getByTestId("host-key-panel").getByRole("button", { name: "Trust this key" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(fp(sshd.hostKey));
  await dialog.getByRole("button", { name: "Trust this key" }).click();
  await expect(page.getByText(`Trusted ssh-ed25519 ${fp(sshd.hostKey)}`)).toBeVisible();

  const second = await api<{ phase: string; error: string | null }>(server, token, "POST", "/api/v1/definitions/widgets.ssh.example.io/sync?wait=true", {});
  expect(second.body.phase, second.body.error ?? "").toBe("Succeeded");

  await page.goto(`${server.url}/admin/ssh-known-hosts`);
  await expect(page.getByTestId("known-hosts-table")).toContainText(fp(sshd.hostKey));
  await expect(page.getByTestId("known-hosts-table")).toContainText(sshd.host);
  await shot(page, "ssh-known-hosts");
  const audit = await api<{ items: { action: string }[] }>(server, token, "GET", "/api/v1/audit");
  expect(JSON.stringify(audit.body)).toContain("ssh-known-host.add");
});
