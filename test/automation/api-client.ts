/** Small helpers for tests that drive a real server over HTTP. */
import crypto from "node:crypto";
import type { AppServer } from "@/test/support/app-server";
import { definitionBody as genericDefinitionBody } from "@/test/support/definition-body";

const SIZE_SCHEMA = { type: "object", required: ["size"], properties: { size: { type: "integer" } } };

export interface Api {
  get<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  post<T = unknown>(path: string, body?: unknown): Promise<{ status: number; body: T }>;
  put<T = unknown>(path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export function apiFor(server: AppServer, token: string): Api {
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: r.status, body: parsed as T };
  };
  return {
    get: (p) => call("GET", p),
    post: (p, b) => call("POST", p, b ?? {}),
    put: (p, b) => call("PUT", p, b),
  };
}

export interface RunItem {
  id: string;
  trigger: string;
  phase: string;
  commit: string | null;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
}

export async function runsOf(api: Api, definition: string): Promise<RunItem[]> {
  const r = await api.get<{ items: RunItem[] }>(`/api/v1/definitions/${definition}/runs?limit=500`);
  if (r.status !== 200) throw new Error(`runs ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.items;
}

/** Polls until `check` returns a value (not undefined/false) or the time runs out. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** the automation suites' definition: `size` specs at the repo root, refreshed every 10 s */
export function definitionBody(
  name: string,
  kind: string,
  repoURL: string,
  opts: { interval?: number; policy?: Record<string, boolean>; production?: boolean } = {},
) {
  return genericDefinitionBody({
    name,
    kind,
    repoURL,
    schema: SIZE_SCHEMA,
    path: "/",
    interval: opts.interval ?? 10,
    syncPolicy: opts.policy ?? {},
    production: opts.production ?? false,
  });
}

export const doc = (kind: string, name: string, size: unknown) => JSON.stringify({ kind, metadata: { name, namespace: "default" }, spec: { size } });

export function githubPush(server: AppServer, secret: string, repoURL: string, opts: { branch?: string; delivery?: string; sha?: string } = {}) {
  const body = JSON.stringify({
    ref: `refs/heads/${opts.branch ?? "main"}`,
    after: opts.sha ?? "0".repeat(40),
    repository: { clone_url: repoURL, html_url: "http://169.254.169.254/never-fetched" },
  });
  const sig = "sha256=" + crypto.createHmac("sha256", secret).update(body).digest("hex");
  return fetch(`${server.url}/api/webhooks/github`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": opts.delivery ?? crypto.randomUUID(),
      "x-hub-signature-256": sig,
    },
    body,
  });
}
