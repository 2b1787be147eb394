/**
 * The status subresource's fast path (issue 14: ≥ 500 status writes/s from executors).
 *
 * Next's request handling costs 2–3 ms of CPU per API request on the 2-core dev machine (a 404
 * costs 2.0 ms, `GET /api/healthz` 3.2 ms, a status write 3.3 ms in all), more than the write
 * itself. Executors write status all day, so `PUT`/`PATCH /api/v1/resources/{kind}/{namespace}/
 * {name}/status` with a bearer token is answered here, on the Node request before Next sees it
 * (the same prototype hook as auth/client-address.ts), by the same steps as the route:
 * `resolvePrincipal` → viewer role → NUL check → body capped at 64 KiB → `jsonFromBytes` →
 * `writeStatus` → the route's answer, errors through `errorResponse`, with the security headers
 * Next adds to every answer. Anything else (cookie sessions, other methods, odd paths) goes on to
 * Next's route (`app/api/v1/resources/[kind]/[namespace]/[name]/status/route.ts`), which answers
 * the same. `SYNCLINE_STATUS_FAST_PATH=0` turns it off (test/api/health-http.test.ts sends the same
 * requests with a token and with a session and requires the same answers).
 */
import "server-only";
import http from "node:http";
import { securityHeaders } from "@/lib/security-headers.mjs";
import { requireRole, resolvePrincipal } from "@/lib/server/auth/principal";
import { bodyTooLarge, errorResponse, jsonFromBytes, refuseNul } from "@/lib/server/http/route";
import { logger } from "@/lib/server/logger";
import { keyFromPath } from "@/lib/server/services/resources";
import { MAX_STATUS_BYTES, writeStatus } from "@/lib/server/services/resource-health";

/** The answer's headers, the route's and the fast path's: no gzip (it cost more CPU than it saved). */
export const STATUS_ANSWER_HEADERS = { "cache-control": "no-store, no-transform" } as const;

const STATUS_PATH = /^\/api\/v1\/resources\/([^/?#]+)\/([^/?#]+)\/([^/?#]+)\/status(\?[^#]*)?$/;
const BEARER = /^bearer\s/i;

interface Match {
  params: { kind: string; namespace: string; name: string };
  mode: "replace" | "merge";
}

/** A request the fast path answers, or null (Next answers it). */
export function matchStatusWrite(method: string | undefined, url: string | undefined, authorization: string | undefined): Match | null {
  if ((method !== "PUT" && method !== "PATCH") || !url || !authorization || !BEARER.test(authorization)) return null;
  const m = STATUS_PATH.exec(url);
  if (!m) return null;
  try {
    const params = { kind: decodeURIComponent(m[1]!), namespace: decodeURIComponent(m[2]!), name: decodeURIComponent(m[3]!) };
    return { params, mode: method === "PUT" ? "replace" : "merge" };
  } catch {
    return null; // a malformed escape: Next's answer
  }
}

/** The body up to `max` bytes, or null past it (counted while it streams: a chunked body has no length). */
function readCapped(req: http.IncomingMessage, max: number): Promise<Buffer | null> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > max) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let total = 0;
    const done = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > max) {
        done();
        req.pause();
        resolve(null);
      } else parts.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(parts, total));
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

function send(res: http.ServerResponse, status: number, body: string, headers: Iterable<[string, string]>, close: boolean): void {
  res.statusCode = status;
  for (const h of securityHeaders) res.setHeader(h.key, h.value);
  for (const [k, v] of headers) res.setHeader(k, v);
  // a body left unread (over the cap) is not drained: the connection ends with the answer
  if (close) res.setHeader("connection", "close");
  res.end(body);
}

function toHeaders(req: http.IncomingMessage): Headers {
  const h = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      h.append(raw[i]!, raw[i + 1]!);
    } catch {
      /* a header value fetch's Headers refuses: not one the token check reads */
    }
  }
  return h;
}

export async function answerStatusWrite(req: http.IncomingMessage, res: http.ServerResponse, match: Match): Promise<void> {
  let close = false;
  try {
    const principal = requireRole(await resolvePrincipal(toHeaders(req)), "viewer");
    refuseNul(match.params, new URL(req.url!, "http://localhost"));
    const bytes = await readCapped(req, MAX_STATUS_BYTES);
    if (!bytes) {
      close = true;
      throw bodyTooLarge(MAX_STATUS_BYTES);
    }
    const { kind, namespace, name } = match.params;
    const view = await writeStatus(keyFromPath(kind, namespace, name), jsonFromBytes(bytes), match.mode, principal);
    send(res, 200, JSON.stringify(view), [["content-type", "application/json"], ...Object.entries(STATUS_ANSWER_HEADERS)], close);
  } catch (err) {
    const r = errorResponse(err);
    // an unread body (refused before reading) is not drained either
    send(res, r.status, await r.text(), r.headers, close || !req.readableEnded);
  }
}

const INSTALLED = Symbol.for("syncline.statusFastPath");

/** Answers status writes before Next's listener runs (once per process; called from instrumentation.ts after boot). */
export function installStatusFastPath(): void {
  if (process.env.SYNCLINE_STATUS_FAST_PATH === "0") return;
  const proto = http.Server.prototype as http.Server & { [INSTALLED]?: boolean };
  if (proto[INSTALLED]) return;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      const match = matchStatusWrite(req.method, req.url, req.headers.authorization);
      if (match) {
        answerStatusWrite(req, args[1] as http.ServerResponse, match).catch((err: Error) => {
          logger.error({ err: err.message }, "status fast path failed");
          (args[1] as http.ServerResponse).destroy();
        });
        return true;
      }
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof proto.emit;
  proto[INSTALLED] = true;
}
