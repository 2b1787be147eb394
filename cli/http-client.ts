/**
 * The CLI's only way to the server: JSON over /api/v1 with a bearer token. Every request
 * carries `x-syncline-client: cli` so run history records the trigger as "cli". Failures
 * become one-line CliErrors: the server's own message, or which URL could not be reached.
 * Every string of every answer is stripped of terminal control sequences on arrival.
 * Requests go through node:http / node:https (loaded for the scheme in use), not fetch:
 * fetch brings undici in at its first call, most of a cold `syncline resource ls`.
 */
import type { IncomingMessage } from "node:http";
import { ApiError, CliError } from "./cli-error";
import type { Connection } from "./config";
import { terminalSafe } from "./terminal-safe";

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** HTTP Basic instead of the token (only `syncline login` uses it) */
  basic?: { username: string; password: string };
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ECONNRESET: "connection reset",
  ETIMEDOUT: "timed out",
  UND_ERR_CONNECT_TIMEOUT: "connect timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  CERT_HAS_EXPIRED: "TLS certificate expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed TLS certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate not trusted",
};

export class ApiClient {
  constructor(readonly connection: Connection) {}

  get server(): string {
    return this.connection.server;
  }

  get<T>(path: string, query?: RequestOptions["query"]): Promise<T> {
    return this.request<T>("GET", path, { query });
  }
  post<T>(path: string, body?: unknown, query?: RequestOptions["query"]): Promise<T> {
    return this.request<T>("POST", path, { body: body ?? {}, query });
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PUT", path, { body });
  }
  delete(path: string): Promise<void> {
    return this.request<void>("DELETE", path);
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: "application/json", "x-syncline-client": "cli" };
    if (opts.basic) headers.authorization = `Basic ${Buffer.from(`${opts.basic.username}:${opts.basic.password}`).toString("base64")}`;
    else if (this.connection.token) headers.authorization = `Bearer ${this.connection.token}`;
    if (opts.body !== undefined) headers["content-type"] = "application/json";

    let res: { status: number; text: string };
    try {
      res = await send(url, method, headers, opts.body === undefined ? undefined : JSON.stringify(opts.body));
    } catch (err) {
      throw new CliError(`cannot reach the Syncline server at ${this.server} (${networkReason(err)})`);
    }
    if (res.status === 204) return undefined as T;
    const text = res.text;
    let json: unknown;
    try {
      // server text is printed to terminals: terminal controls go here, once (terminal-safe.ts)
      json = text === "" ? undefined : terminalSafe(JSON.parse(text));
    } catch {
      throw new CliError(`unexpected answer from ${url.origin}${url.pathname}: HTTP ${res.status}, not JSON (is ${this.server} a Syncline server?)`);
    }
    if (res.status < 200 || res.status > 299) throw this.toApiError(res.status, json);
    return json as T;
  }

  private toApiError(status: number, json: unknown): ApiError {
    const e = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    const code = typeof e?.code === "string" ? e.code : `HTTP_${status}`;
    let message = typeof e?.message === "string" ? e.message : `the server answered HTTP ${status}`;
    // "invalid request" alone does not say what to fix; name the fields, still on one line.
    const fields = describeDetails(e?.details);
    if (fields && fields.some((f) => !message.includes(f.message))) message += `: ${fields.map((f) => f.text).join("; ")}`;
    if (status === 401 && !this.connection.token) message += " (no token: run `syncline login`, or pass --token / SYNCLINE_TOKEN)";
    return new ApiError(message, status, code, e?.details ?? null);
  }
}

/** One request, the whole answer read as UTF-8 text. */
async function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; text: string }> {
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`unsupported scheme ${url.protocol}`);
  const { request } = url.protocol === "https:" ? await import("node:https") : await import("node:http");
  if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function describeDetails(details: unknown): { message: string; text: string }[] | undefined {
  if (!Array.isArray(details)) return undefined;
  const parts = details.flatMap((d) => {
    const { path, pointer, message } = (d ?? {}) as { path?: unknown; pointer?: unknown; message?: unknown };
    if (typeof message !== "string") return [];
    const where = typeof path === "string" ? path : typeof pointer === "string" ? pointer : "";
    return [{ message, text: where ? `${where}: ${message}` : message }];
  });
  return parts.length > 0 ? parts : undefined;
}

function networkReason(err: unknown): string {
  // the socket error carries its code (a wrapped one is followed through `cause`)
  let e: unknown = err;
  let innermost: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return NETWORK_REASONS[code] ?? code;
    innermost = e;
    e = (e as { cause?: unknown }).cause;
  }
  return (innermost as Error)?.message ?? String(err);
}
