/**
 * Our own isomorphic-git `http` plugin (modelled on isomorphic-git/http/node), because the
 * stock one follows redirects anywhere, has no timeouts and no size cap. Every request — also
 * each redirect hop — goes through the URL policy, connects only to the addresses that policy
 * vetted (no DNS rebinding between check and connect), refuses redirects to another host,
 * and fails with a GitError naming the limit it hit. isomorphic-git sometimes swallows errors
 * thrown while it reads a body, so the first fatal error is also kept on `failure` for the
 * caller to rethrow.
 */
import http from "node:http";
import https from "node:https";
import { GitError } from "./git-client";
import { pinnedLookup, vetHost, type UrlPolicyOptions } from "./url-policy";

export interface HttpTransportOptions extends UrlPolicyOptions {
  /** whole request, headers to last byte (default 120 s) */
  totalTimeoutMs?: number;
  /** no bytes in either direction (default 30 s) */
  idleTimeoutMs?: number;
  /** response body cap per request (default 512 MiB) */
  maxResponseBytes?: number;
  /** same-host redirects followed (default 3) */
  maxRedirects?: number;
}

interface GitHttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array;
  signal?: AbortSignal;
}

interface GitHttpResponse {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: AsyncIterableIterator<Uint8Array>;
  statusCode: number;
  statusMessage: string;
}

export interface HttpTransport {
  request(req: GitHttpRequest): Promise<GitHttpResponse>;
  /** first fatal transport error of this operation, if any */
  failure: GitError | undefined;
  stats: { requests: number; bytesReceived: number };
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);

export function createHttpTransport(opts: HttpTransportOptions = {}): HttpTransport {
  const totalMs = opts.totalTimeoutMs ?? 120_000;
  const idleMs = opts.idleTimeoutMs ?? 30_000;
  const maxBytes = opts.maxResponseBytes ?? 512 * 1024 * 1024;
  const maxRedirects = opts.maxRedirects ?? 3;

  const transport: HttpTransport = {
    failure: undefined,
    stats: { requests: 0, bytesReceived: 0 },
    async request(req) {
      // an operation whose request timed out starts no more (each would wait its own timeout)
      if (transport.failure?.code === "TIMEOUT") throw transport.failure;
      try {
        return await send(req);
      } catch (err) {
        throw remember(err);
      }
    },
  };

  function remember(err: unknown): unknown {
    if (err instanceof GitError && !transport.failure) transport.failure = err;
    return err;
  }

  async function send(req: GitHttpRequest): Promise<GitHttpResponse> {
    const method = req.method ?? "GET";
    const body = req.body ? await collect(req.body) : undefined;
    const deadline = Date.now() + totalMs;
    let current = new URL(req.url);
    for (let hop = 0; ; hop++) {
      const addresses = await vetHost(current, opts);
      const { res, done } = await open(current, method, req.headers ?? {}, body, addresses, deadline, req.signal);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECT.has(status) && location) {
        res.resume();
        done();
        const next = new URL(location, current);
        if (next.protocol !== current.protocol || next.host !== current.host) {
          throw new GitError(
            "URL_REFUSED",
            // the target's host is the server's text: the URL parser allows no markup in it; cap its length
            `redirect from ${current.protocol}//${current.host} to ${next.protocol.slice(0, 12)}//${next.host.slice(0, 100)} refused: redirects to another host are not followed`,
          );
        }
        if (hop + 1 > maxRedirects) throw new GitError("URL_REFUSED", `too many redirects (limit ${maxRedirects})`);
        current = next;
        continue;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
      }
      return {
        url: current.toString(),
        method,
        headers,
        statusCode: status,
        statusMessage: res.statusMessage ?? "",
        body: readBody(res, done, current),
      };
    }
  }

  function open(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    addresses: string[],
    deadline: number,
    signal?: AbortSignal,
  ): Promise<{ res: http.IncomingMessage; done: () => void }> {
    return new Promise((resolve, reject) => {
      const lib = url.protocol === "https:" ? https : http;
      const lookup = pinnedLookup(addresses);
      const reqHeaders: Record<string, string> = { ...headers };
      if (body) reqHeaders["content-length"] = String(body.length);
      const request = lib.request(url, { method, headers: reqHeaders, lookup, agent: false });
      stats().requests++;
      let settled = false;
      const timer = setTimeout(
        () => request.destroy(remember(new GitError("TIMEOUT", `git request timed out: total timeout of ${seconds(totalMs)} exceeded`)) as Error),
        Math.max(0, deadline - Date.now()),
      );
      const onAbort = () => request.destroy(new Error("request aborted"));
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      request.setTimeout(idleMs, () =>
        request.destroy(remember(new GitError("TIMEOUT", `git request timed out: idle timeout of ${seconds(idleMs)} exceeded (no data received)`)) as Error),
      );
      request.on("error", (err) => {
        done();
        if (!settled) {
          settled = true;
          reject(remember(toGitError(err, url)));
        }
      });
      request.on("response", (res) => {
        settled = true;
        resolve({ res, done });
      });
      request.end(body);
    });
  }

  async function* readBody(res: http.IncomingMessage, done: () => void, url: URL): AsyncIterableIterator<Uint8Array> {
    let received = 0;
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        received += chunk.length;
        transport.stats.bytesReceived += chunk.length;
        if (received > maxBytes) {
          const err = new GitError("LIMIT_EXCEEDED", `git response exceeds the size limit of ${mib(maxBytes)} (maxResponseBytes)`);
          remember(err);
          res.destroy();
          throw err;
        }
        yield chunk;
      }
    } catch (err) {
      throw remember(toGitError(err as Error, url));
    } finally {
      done();
    }
  }

  function stats() {
    return transport.stats;
  }

  return transport;
}

function toGitError(err: Error, url: URL): GitError {
  if (err instanceof GitError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? "";
  const where = `${url.protocol}//${url.host}`;
  if (code === "ECONNREFUSED") return new GitError("NETWORK", `cannot connect to ${where}: connection refused`);
  if (code === "ENOTFOUND") return new GitError("NETWORK", `cannot resolve host ${url.hostname}`);
  if (code === "ECONNRESET") return new GitError("NETWORK", `connection to ${where} was reset`);
  if (code.startsWith("ERR_TLS") || code.includes("CERT")) return new GitError("NETWORK", `TLS error talking to ${where}: ${safeCode(code)}`);
  // the code, never the message: an HTTP parse error's message can quote the server's bytes
  return new GitError("NETWORK", `request to ${where} failed: ${code ? safeCode(code) : "connection error"}`);
}

function safeCode(code: string): string {
  return /^[A-Z0-9_]{1,60}$/.test(code) ? code : "connection error";
}

/** A request body as one buffer (the SSH transport sends the same bodies). */
export async function collect(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body);
  const parts: Uint8Array[] = [];
  for await (const part of body as AsyncIterable<Uint8Array>) parts.push(part);
  return Buffer.concat(parts);
}

/** A timeout for a message: "20 s", or "1500 ms" when not whole seconds. */
export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB` : `${bytes} bytes`;
}
