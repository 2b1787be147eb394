/**
 * Starts the real, built Syncline server (`next start`) as a child process on a free port
 * with its own data dir — for CLI tests, e2e tests and crash tests. Needs `next build` first
 * (scripts/test.mjs builds when the sources changed).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface AppServer {
  url: string;
  port: number;
  dataDir: string;
  adminPassword: string;
  /** the server process (benches read its CPU time from /proc) */
  readonly pid: number | undefined;
  /** everything the server printed */
  output(): string;
  /** SIGTERM and wait */
  stop(): Promise<void>;
  /** SIGKILL, no cleanup (crash tests) */
  kill(): Promise<void>;
  /** start again on the same port and data dir */
  restart(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, "..", "..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, out: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out()}`);
    try {
      const r = await fetch(`${url}/api/healthz`);
      if (r.ok && out().includes("Syncline is running")) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`server did not become healthy in ${timeoutMs} ms:\n${out()}`);
}

export async function startAppServer(opts: { env?: Record<string, string>; dataDir?: string; port?: number } = {}): Promise<AppServer> {
  if (!fs.existsSync(path.join(root, process.env.SYNCLINE_DIST_DIR ?? ".next", "BUILD_ID"))) {
    throw new Error("no production build: run `npx next build` (npm test does it) before server tests");
  }
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "syncline-app-"));
  const adminPassword = opts.env?.SYNCLINE_ADMIN_PASSWORD ?? "admin-password-for-tests";
  let log = "";
  let child!: ChildProcess;
  const url = `http://127.0.0.1:${port}`;
  const launch = async () => {
    child = spawn(
      process.execPath,
      [
        ...(process.env.SYNCLINE_TEST_SERVER_NODE_ARGS ? process.env.SYNCLINE_TEST_SERVER_NODE_ARGS.split(" ") : []),
        path.join(root, "node_modules", "next", "dist", "bin", "next"),
        "start",
        "-p",
        String(port),
        "-H",
        "127.0.0.1",
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: "production",
          PORT: String(port),
          SYNCLINE_DATA_DIR: dataDir,
          SYNCLINE_ADMIN_PASSWORD: adminPassword,
          SYNCLINE_DEMO: "0",
          SYNCLINE_PUBLIC_URL: url,
          NEXT_TELEMETRY_DISABLED: "1",
          DATABASE_URL: "",
          ...opts.env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout!.on("data", (d) => (log += d));
    child.stderr!.on("data", (d) => (log += d));
    await waitHealthy(url, child, () => log);
  };
  const exited = () => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));
  await launch();
  return {
    url,
    port,
    dataDir,
    adminPassword,
    get pid() {
      return child.pid;
    },
    output: () => log,
    async stop() {
      child.kill("SIGTERM");
      await exited();
    },
    async kill() {
      child.kill("SIGKILL");
      await exited();
    },
    async restart() {
      await launch();
    },
  };
}

/** An API token for `role`, bootstrapped with HTTP Basic as the admin. */
export async function issueToken(server: AppServer, role: "viewer" | "operator" | "admin" = "admin", name = `test-${role}`): Promise<string> {
  const r = await fetch(`${server.url}/api/v1/tokens`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`admin:${server.adminPassword}`).toString("base64")}`, "content-type": "application/json" },
    body: JSON.stringify({ name, role }),
  });
  if (r.status !== 201) throw new Error(`token request failed: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}

/** A same-origin session cookie for `username` (default the admin), as the dashboard's login sets it. */
export async function signInCookie(server: AppServer, username = "admin", password = server.adminPassword): Promise<string> {
  const r = await fetch(`${server.url}/api/auth/sign-in/username`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify({ username, password }),
  });
  if (r.status !== 200) throw new Error(`sign-in as ${username} failed: ${r.status} ${await r.text()}`);
  return r.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}
