/**
 * Shared e2e helpers: a real server and a real Git repo per spec file, API calls with a
 * token (each spec creates its own data), login and screenshots.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { issueToken, startAppServer, type AppServer } from "../../test/support/app-server";
import { startGitFixture, type GitFixture } from "../../test/support/git-fixture";

/** Each spec file's own world: a real server, a served Git root, and an admin API token. */
export async function startSpecEnv(): Promise<{ server: AppServer; git: GitFixture; token: string }> {
  const [server, git] = await Promise.all([startAppServer(), startGitFixture()]);
  return { server, git, token: await issueToken(server, "admin") };
}

export async function stopSpecEnv(env: { server?: AppServer; git?: GitFixture }): Promise<void> {
  if (process.env.E2E_SERVER_LOG) console.log(env.server?.output().slice(-8000));
  await env.server?.stop();
  await env.git?.close();
}

export const screenshotDir = path.resolve(import.meta.dirname, "..", "screenshots");

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

export async function api<T = Record<string, unknown>>(
  server: AppServer,
  token: string,
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<ApiAnswer<T>> {
  const r = await fetch(`${server.url}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : null) as T };
}

export function widgetDefinition(name: string, repoURL: string, opts: { kind?: string; automated?: boolean; production?: boolean; path?: string } = {}) {
  const kind = opts.kind ?? "Widget";
  return {
    metadata: { name },
    spec: {
      group: "example.io",
      version: "v1",
      names: { kind, plural: `${kind.toLowerCase()}s` },
      scope: "Namespaced",
      schema: { type: "object", properties: { replicas: { type: "integer", minimum: 0 }, image: { type: "string" } } },
      gitops: { repoURL, branch: "main", path: opts.path ?? "/resources", interval: 3600 },
      syncPolicy: { automated: opts.automated ?? false },
      production: opts.production ?? false,
    },
  };
}

export function widgetYaml(name: string, replicas: number, image = "nginx:1.25", kind = "Widget", namespace = "team-a"): string {
  return `kind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  replicas: ${replicas}\n  image: ${image}\n`;
}

export async function createDefinition(server: AppServer, token: string, def: unknown): Promise<void> {
  const r = await api(server, token, "POST", "/api/v1/definitions", def);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

export async function syncNow(server: AppServer, token: string, name: string, body: Record<string, unknown> = {}) {
  const r = await api<{ id: string; phase: string; commit: string; error: string | null }>(
    server,
    token,
    "POST",
    `/api/v1/definitions/${name}/sync?wait=true`,
    body,
  );
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.phase, JSON.stringify(r.body)).toBe("Succeeded");
  return r.body;
}

export async function login(page: Page, server: AppServer, username = "admin", password = server.adminPassword): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toContainText(username);
}

export async function createUser(server: AppServer, token: string, username: string, password: string, role: "viewer" | "operator" | "admin"): Promise<void> {
  const r = await api(server, token, "POST", "/api/v1/users", { username, password, role });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}
