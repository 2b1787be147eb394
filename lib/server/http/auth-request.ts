/**
 * The request better-auth sees on /api/auth/*. better-auth reads any body whole before it
 * validates anything, so an unauthenticated 300 MB chunked POST to sign-in cost 1.2 GB of
 * memory. Here the body is read first with a 16 KB cap, counted while it streams
 * (readCappedBody), and checked the way /api/v1 bodies are (nesting, U+0000, malformed JSON);
 * NUL bytes in the path or query are refused too. Every refusal leaves in the one error shape.
 */
import "server-only";
import { AppError } from "@/lib/server/errors";
import { readCappedBody } from "@/lib/server/webhooks/read-body";
import { parseJsonBody } from "@/lib/server/http/route";

/** Sign-in, sign-out and session bodies are a few hundred bytes. */
export const AUTH_MAX_BODY_BYTES = 16 * 1024;

/** Fields better-auth reads as strings; another type (`{"username": 5}`) crashed it into a 500. */
const STRING_FIELDS = ["username", "password", "newPassword", "currentPassword", "name", "email", "displayUsername", "token", "callbackURL"];

function refuseNonStringFields(body: unknown): void {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new AppError("BAD_REQUEST", "request body must be a JSON object");
  for (const field of STRING_FIELDS) {
    const v = (body as Record<string, unknown>)[field];
    if (Object.prototype.hasOwnProperty.call(body, field) && typeof v !== "string") {
      throw new AppError("VALIDATION_FAILED", `${field} must be a string`, [{ path: field, message: "must be a string" }]);
    }
  }
}

/**
 * better-auth answers its own errors as `{ message, code }` (and an unexpected failure as an
 * empty 500): restated in the one error shape, its status kept, its headers (rate-limit
 * retry hints) kept.
 */
export async function inOneErrorShape(res: Response): Promise<Response> {
  if (res.status < 400) return res;
  const text = await res.text();
  let parsed: { message?: unknown; code?: unknown } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    /* empty or not JSON */
  }
  const code = typeof parsed.code === "string" && /^[A-Z0-9_]{1,64}$/.test(parsed.code) ? parsed.code : res.status >= 500 ? "INTERNAL" : "BAD_REQUEST";
  const message =
    typeof parsed.message === "string" && parsed.message !== ""
      ? parsed.message.slice(0, 300)
      : res.status >= 500
        ? "internal error; see the server log"
        : res.statusText || "request refused";
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify({ error: { code, message, details: null } }), { status: res.status, headers });
}

export async function readAuthRequest(req: Request): Promise<Request> {
  const url = new URL(req.url);
  if (/%00/.test(url.pathname) || url.pathname.includes("\0") || [...url.searchParams].some(([k, v]) => k.includes("\0") || v.includes("\0"))) {
    throw new AppError("BAD_REQUEST", "the path or query contains U+0000 (NUL)");
  }
  if (req.method === "GET" || req.method === "HEAD") return req;
  const body = await readCappedBody(req, AUTH_MAX_BODY_BYTES);
  if (!body.ok) throw new AppError("PAYLOAD_TOO_LARGE", `request body over ${AUTH_MAX_BODY_BYTES} bytes`);
  const type = req.headers.get("content-type") ?? "";
  if (/^application\/json\b/i.test(type) && body.bytes.length > 0) {
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(body.bytes);
    } catch {
      throw new AppError("BAD_REQUEST", "request body is not valid UTF-8");
    }
    if (text.trim() !== "") refuseNonStringFields(parseJsonBody(text));
  }
  // the same request with the bytes already read (length recomputed from them)
  const headers = new Headers(req.headers);
  headers.delete("content-length");
  headers.delete("transfer-encoding");
  return new Request(req.url, { method: req.method, headers, body: body.bytes.length > 0 ? new Uint8Array(body.bytes) : undefined, signal: req.signal });
}
