/**
 * A real smart-HTTP Git server for tests: node:http on 127.0.0.1 running git's own
 * `git-http-backend` as CGI, so tests exercise the same protocol GitHub or Gitea speak.
 *
 * Repositories are served straight from `root/<name>`; they may be ordinary non-bare
 * repositories (git-http-backend finds `<name>/.git` itself), so a test "pushes" by
 * committing into that directory with the git CLI — no bare copy to keep in step.
 * Optional Basic auth answers 401 + WWW-Authenticate like a real host.
 */
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";

export const GIT_HTTP_BACKEND = "/usr/lib/git-core/git-http-backend";

export interface GitHttpServerOptions {
  root: string;
  auth?: { username: string; password: string };
  /** a fixed port (a bench reusing a store that holds the repository's URL); default: a free one */
  port?: number;
}

export interface GitHttpServer {
  url: (repoName: string) => string;
  close(): Promise<void>;
  /** requests answered so far */
  readonly requests: number;
  /** response body bytes sent so far (to show an incremental fetch downloads less) */
  readonly bytesSent: number;
  /** zero the counters */
  resetCounters(): void;
  /**
   * While set, requests it matches are accepted and read but never answered (a remote that
   * hangs, e.g. on upload-pack); they stay open until the client gives up or the server closes.
   */
  stall: ((req: http.IncomingMessage) => boolean) | null;
  /** requests stalled so far */
  readonly stalled: number;
}

export async function startGitHttpServer(opts: GitHttpServerOptions): Promise<GitHttpServer> {
  let requests = 0;
  let bytesSent = 0;
  let stalled = 0;
  let stall: GitHttpServer["stall"] = null;
  const server = http.createServer((req, res) => {
    requests++;
    if (stall?.(req)) {
      stalled++;
      req.resume();
      return;
    }
    if (opts.auth && !authorized(req.headers.authorization, opts.auth)) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"', "Content-Type": "text/plain" });
      res.end("authentication required\n");
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: opts.root,
      GIT_HTTP_EXPORT_ALL: "1",
      GIT_CONFIG_NOSYSTEM: "1",
      HOME: opts.root,
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ""),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      CONTENT_LENGTH: req.headers["content-length"] ?? "",
      REMOTE_USER: opts.auth ? opts.auth.username : "",
      REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
      GATEWAY_INTERFACE: "CGI/1.1",
      SERVER_PROTOCOL: "HTTP/1.1",
    };
    if (req.headers["git-protocol"]) env.GIT_PROTOCOL = String(req.headers["git-protocol"]);
    if (req.headers["content-encoding"]) env.HTTP_CONTENT_ENCODING = String(req.headers["content-encoding"]);
    const cgi = spawn(GIT_HTTP_BACKEND, [], { env: env as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
    req.pipe(cgi.stdin);
    cgi.stdin.on("error", () => {});
    let stderr = "";
    cgi.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        bytesSent += chunk.length;
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf("\r\n\r\n");
      const lf = head.indexOf("\n\n");
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      let reason = "OK";
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
        const i = line.indexOf(":");
        if (i <= 0) continue;
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === "status") {
          status = Number(value.slice(0, 3));
          reason = value.slice(4) || reason;
        } else headers[name] = value;
      }
      res.writeHead(status, reason, headers);
      const rest = head.subarray(end);
      bytesSent += rest.length;
      if (rest.length) res.write(rest);
    });
    cgi.on("close", (code) => {
      if (!headersDone) {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(`git-http-backend failed (${code}): ${stderr}`);
        return;
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (repoName) => `http://127.0.0.1:${port}/${repoName.replace(/^\/+/, "")}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    get requests() {
      return requests;
    },
    get stalled() {
      return stalled;
    },
    get stall() {
      return stall;
    },
    set stall(fn) {
      stall = fn;
    },
    get bytesSent() {
      return bytesSent;
    },
    resetCounters() {
      requests = 0;
      bytesSent = 0;
    },
  };
}

function authorized(header: string | undefined, auth: { username: string; password: string }): boolean {
  if (!header?.startsWith("Basic ")) return false;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  return decoded === `${auth.username}:${auth.password}`;
}
