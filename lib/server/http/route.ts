/**
 * The one wrapper every /api route handler uses: resolve the caller → check the role →
 * run the handler → answer JSON. Errors leave in one shape: { error: { code, message, details } }.
 */
import "server-only";
import { ZodError } from "zod";
import { AppError } from "@/lib/server/errors";
import { assertSameOrigin, requireRole, resolvePrincipal, type Principal } from "@/lib/server/auth/principal";
import type { Role } from "@/lib/server/auth/roles";
import { logger } from "@/lib/server/logger";
import { isGitError, type GitErrorCode } from "@/lib/server/git/git-client";
import { readCappedBody } from "@/lib/server/webhooks/read-body";
import { scanJson } from "@/lib/engine/json-scan";
import { findNulPath } from "@/lib/engine/nul-check";

export interface RouteContext<P> {
  req: Request;
  params: P;
  principal: Principal;
  url: URL;
}

type Handler<P> = (ctx: RouteContext<P>) => Promise<Response | unknown>;

const gitMessages: Record<GitErrorCode, string> = {
  UNSUPPORTED_URL: "the repository URL is not supported",
  URL_REFUSED: "the repository URL is refused by the host policy",
  AUTH_FAILED: "the Git server refused the credentials",
  NOT_FOUND: "not found in the repository",
  REVISION_NOT_FOUND: "revision not found in the repository",
  BRANCH_NOT_FOUND: "branch not found in the repository",
  LIMIT_EXCEEDED: "the repository is over a size limit",
  TIMEOUT: "the Git server did not answer in time",
  NETWORK: "the Git server could not be reached",
  SSH_HOST_KEY_UNKNOWN: "the SSH host key of the Git server is not trusted",
  SSH_HOST_KEY_MISMATCH: "the SSH host key of the Git server changed",
  SSH_AUTH_FAILED: "the SSH server refused the key",
  INTERNAL: "reading the repository failed",
};

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function errorResponse(err: unknown): Response {
  if (err instanceof AppError) {
    const retryAfter = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    const headers = err.code === "TOO_MANY_REQUESTS" && typeof retryAfter === "number" ? { "retry-after": String(retryAfter) } : undefined;
    return Response.json({ error: { code: err.code, message: err.message, details: err.details ?? null } }, { status: err.status, headers });
  }
  if (isGitError(err)) {
    // a Git failure that reached a route unmapped: the caller's input (a revision, a branch) or
    // the remote, never a server fault; the remote's own text stays in the log (it is not ours)
    logger.warn({ err: err.message, code: err.code }, "Git error answered as 422");
    return Response.json({ error: { code: "SOURCE_ERROR", message: gitMessages[err.code], details: { gitError: err.code } } }, { status: 422 });
  }
  if (err instanceof ZodError) {
    const details = err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    return Response.json({ error: { code: "VALIDATION_FAILED", message: "invalid request", details } }, { status: 400 });
  }
  logger.error({ err: (err as Error)?.message }, "unhandled error in route");
  return Response.json({ error: { code: "INTERNAL", message: "internal error; see the server log", details: null } }, { status: 500 });
}

/** Methods whose requests carry no body here; other routes say `body: "none"` when they take none. */
const BODYLESS_METHODS = new Set(["GET", "HEAD", "DELETE", "OPTIONS"]);
/** What a `body: "none"` POST may still carry: clients (our CLI too) send `{}` to every POST. */
const IGNORED_BODY_BYTES = 1024;

export function route<P = Record<string, never>>(opts: { role: Role; allowBasic?: boolean; body?: "none" }, handler: Handler<P>) {
  return async (req: Request, ctx?: { params?: Promise<P> }): Promise<Response> => {
    try {
      const principal = requireRole(await resolvePrincipal(req.headers, { allowBasic: opts.allowBasic }), opts.role);
      if (principal.via === "session" && !SAFE_METHODS.has(req.method)) assertSameOrigin(req.headers, req.url);
      if (BODYLESS_METHODS.has(req.method) && hasBody(req)) {
        await req.body?.cancel().catch(() => undefined);
        throw new AppError("PAYLOAD_TOO_LARGE", `${req.method} ${new URL(req.url).pathname} takes no request body`);
      }
      if (opts.body === "none" && hasBody(req) && !(await readCappedBody(req, IGNORED_BODY_BYTES)).ok) {
        throw new AppError("PAYLOAD_TOO_LARGE", `${req.method} ${new URL(req.url).pathname} takes no request body`);
      }
      const params = ((await ctx?.params) ?? {}) as P;
      const url = new URL(req.url);
      refuseNul(params as Record<string, unknown>, url);
      const out = await handler({ req, params, principal, url });
      return out instanceof Response ? out : Response.json(out);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** A body is announced by a non-zero Content-Length or by chunked transfer. */
export function hasBody(req: Request): boolean {
  const len = req.headers.get("content-length");
  return (len !== null && len.trim() !== "0") || req.headers.has("transfer-encoding");
}

/**
 * U+0000 in a path segment or query parameter (`%00`) is refused with 400 naming it: passed on,
 * it reached PostgreSQL, which refuses it in text, and the caller saw a 500.
 */
export function refuseNul(params: Record<string, unknown>, url: URL): void {
  for (const [name, value] of Object.entries(params)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === "string" && v.includes("\0"))) {
      throw new AppError("BAD_REQUEST", `path segment ${name} contains U+0000 (NUL)`, [{ path: name, message: "contains U+0000 (NUL)" }]);
    }
  }
  for (const [name, value] of url.searchParams) {
    if (name.includes("\0") || value.includes("\0")) {
      const shown = JSON.stringify(name).slice(1, -1).slice(0, 60);
      throw new AppError("BAD_REQUEST", `query parameter ${shown} contains U+0000 (NUL)`, [{ path: shown, message: "contains U+0000 (NUL)" }]);
    }
  }
}

/** Bodies of /api/v1 requests: 2 MiB unless a route says less. */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Deepest JSON nesting a request body may have (deeper bodies would only serve to exhaust a stack). */
export const MAX_BODY_DEPTH = 100;

/**
 * Reads a JSON body with a size cap; malformed JSON → 400 naming line and column. The body is
 * counted while it streams in and abandoned at the cap (a chunked body has no Content-Length to
 * check first), so an oversized request costs the cap, never its whole size.
 */
export async function readJson(req: Request, opts: { maxBytes?: number; optional?: boolean } = {}): Promise<unknown> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const body = await readCappedBody(req, maxBytes);
  if (!body.ok) throw bodyTooLarge(maxBytes);
  return jsonFromBytes(body.bytes, opts);
}

export const bodyTooLarge = (maxBytes: number) => new AppError("PAYLOAD_TOO_LARGE", `request body over ${maxBytes} bytes`);

/** A read body → JSON (readJson's rules: UTF-8, not empty unless optional, parseJsonBody's checks). */
export function jsonFromBytes(bytes: Uint8Array, opts: { optional?: boolean } = {}): unknown {
  const text = decodeUtf8(bytes);
  if (text.trim() === "") {
    if (opts.optional) return {};
    throw new AppError("BAD_REQUEST", "request body is empty; expected JSON");
  }
  return parseJsonBody(text);
}

/** JSON.parse with the nesting cap, line/column on syntax errors, and no U+0000 anywhere. */
export function parseJsonBody(text: string): unknown {
  const scan = scanJson(text, MAX_BODY_DEPTH);
  if (scan.tooDeepAt !== undefined) {
    const { line, column } = lineColumn(text, scan.tooDeepAt);
    throw new AppError("BAD_REQUEST", `JSON nested deeper than ${MAX_BODY_DEPTH} levels at line ${line}, column ${column}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    let where = "";
    if (m) {
      const { line, column } = lineColumn(text, Number(m[1]));
      where = ` at line ${line}, column ${column}`;
    }
    throw new AppError("BAD_REQUEST", `malformed JSON${where}: ${(err as Error).message.slice(0, 200)}`);
  }
  // JSON can carry U+0000 only as the escape "\u0000" (a raw control character is a syntax
  // error): without one in the text, the walk (~10 ms on a 20,000-item body) finds nothing
  const nul = /\\u0000/i.test(text) ? findNulPath(value, "") : undefined;
  if (nul !== undefined) {
    const field = nul.replace(/^\./, "") || "(body)";
    throw new AppError("VALIDATION_FAILED", `${field}: contains U+0000 (NUL), which cannot be stored`, [{ path: field, message: "contains U+0000 (NUL)" }]);
  }
  return value;
}

function lineColumn(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos);
  return { line: before.split("\n").length, column: pos - before.lastIndexOf("\n") };
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new AppError("BAD_REQUEST", "request body is not valid UTF-8");
  }
}

/** An integer query parameter; anything else is a 400 naming the parameter, never a 500. */
export function queryInt(url: URL, name: string, opts: { default: number; min: number; max: number }): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return opts.default;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < opts.min || n > opts.max) {
    throw new AppError("BAD_REQUEST", `query parameter ${name} must be an integer from ${opts.min} to ${opts.max}`, [{ path: name, message: "invalid" }]);
  }
  return n;
}
