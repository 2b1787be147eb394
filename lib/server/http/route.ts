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

export interface RouteContext<P> {
  req: Request;
  params: P;
  principal: Principal;
  url: URL;
}

type Handler<P> = (ctx: RouteContext<P>) => Promise<Response | unknown>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function errorResponse(err: unknown): Response {
  if (err instanceof AppError) {
    return Response.json({ error: { code: err.code, message: err.message, details: err.details ?? null } }, { status: err.status });
  }
  if (err instanceof ZodError) {
    const details = err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    return Response.json({ error: { code: "VALIDATION_FAILED", message: "invalid request", details } }, { status: 400 });
  }
  logger.error({ err: (err as Error)?.message }, "unhandled error in route");
  return Response.json({ error: { code: "INTERNAL", message: "internal error; see the server log", details: null } }, { status: 500 });
}

export function route<P = Record<string, never>>(opts: { role: Role; allowBasic?: boolean }, handler: Handler<P>) {
  return async (req: Request, ctx?: { params?: Promise<P> }): Promise<Response> => {
    try {
      const principal = requireRole(await resolvePrincipal(req.headers, { allowBasic: opts.allowBasic }), opts.role);
      if (principal.via === "session" && !SAFE_METHODS.has(req.method)) assertSameOrigin(req.headers, req.url);
      const params = ((await ctx?.params) ?? {}) as P;
      const out = await handler({ req, params, principal, url: new URL(req.url) });
      return out instanceof Response ? out : Response.json(out);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** Reads a JSON body with a size cap; malformed JSON → 400 naming line and column. */
export async function readJson(req: Request, opts: { maxBytes?: number; optional?: boolean } = {}): Promise<unknown> {
  const maxBytes = opts.maxBytes ?? 2 * 1024 * 1024;
  const len = Number(req.headers.get("content-length") ?? "0");
  if (len > maxBytes) throw new AppError("PAYLOAD_TOO_LARGE", `request body over ${maxBytes} bytes`);
  const text = await req.text();
  if (Buffer.byteLength(text) > maxBytes) throw new AppError("PAYLOAD_TOO_LARGE", `request body over ${maxBytes} bytes`);
  if (text.trim() === "") {
    if (opts.optional) return {};
    throw new AppError("BAD_REQUEST", "request body is empty; expected JSON");
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    let where = "";
    if (m) {
      const pos = Number(m[1]);
      const before = text.slice(0, pos);
      const line = before.split("\n").length;
      const column = pos - before.lastIndexOf("\n");
      where = ` at line ${line}, column ${column}`;
    }
    throw new AppError("BAD_REQUEST", `malformed JSON${where}: ${(err as Error).message}`);
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
