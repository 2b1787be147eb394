/**
 * A real OpenSSH server for tests: Debian's `sshd` (installed with apt-get when missing and
 * running as root, as `npm test` does for Chromium), started as `sshd -D -e -f <temp config>` on
 * a loopback address with a temp host key and an AuthorizedKeysFile, serving bare repos through
 * the real `git-upload-pack`. Each server gets its own 127.x.y.z, so port 22 (needed by the scp
 * form `user@host:path`, which has no port) is free for it.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const SSHD = "/usr/sbin/sshd";

export function ensureSshd(): void {
  if (fs.existsSync(SSHD)) return;
  if (process.getuid?.() !== 0) throw new Error(`sshd is missing at ${SSHD}: install Debian's openssh-server (sudo apt-get install -y openssh-server)`);
  const r = spawnSync("bash", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null"], {
    stdio: "inherit",
  });
  if (r.status !== 0 || !fs.existsSync(SSHD)) throw new Error("installing openssh-server with apt-get failed");
}

export interface KeyPair {
  privateKey: string;
  publicKey: string;
  file: string;
}

/** ssh-keygen: "ed25519" | "ecdsa" | "rsa", OpenSSH or PEM format, optionally with a passphrase. */
export function makeKey(dir: string, name: string, type: "ed25519" | "ecdsa" | "rsa", o: { pem?: boolean; passphrase?: string } = {}): KeyPair {
  const file = path.join(dir, name);
  const args = ["-q", "-t", type, "-f", file, "-N", o.passphrase ?? "", "-C", `${name}@test`];
  if (type === "rsa") args.push("-b", "2048");
  if (o.pem) args.push("-m", "PEM");
  execFileSync("ssh-keygen", args);
  return { privateKey: fs.readFileSync(file, "utf8"), publicKey: fs.readFileSync(`${file}.pub`, "utf8").trim(), file };
}

export interface Sshd {
  host: string;
  port: number;
  user: string;
  dir: string;
  /** "ssh-ed25519 AAAA…" */
  hostKey: string;
  authorize(publicKey: string): void;
  /** a new host key; the server restarts with it */
  rotateHostKey(): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;

async function freeAddress(port: number): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const host = `127.${(process.pid % 200) + 20}.${(counter++ % 250) + 1}.${Math.floor(Math.random() * 250) + 2}`;
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(false));
      s.listen(port, host, () => s.close(() => resolve(true)));
    });
    if (ok) return host;
  }
  throw new Error("no free loopback address for sshd");
}

async function waitForPort(host: string, port: number, proc: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`sshd exited: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host);
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${host}:${port}: ${log()}`);
}

export async function startSshd(o: { port?: number } = {}): Promise<Sshd> {
  ensureSshd();
  fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "syncline-sshd-"));
  fs.chmodSync(dir, 0o755);
  const port = o.port ?? 22;
  const host = await freeAddress(port);
  const user = os.userInfo().username;
  const authorized = path.join(dir, "authorized_keys");
  fs.writeFileSync(authorized, "", { mode: 0o600 });
  let hostKeyFile = "";
  let generation = 0;
  const newHostKey = () => {
    hostKeyFile = path.join(dir, `host_ed25519_${generation++}`);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-f", hostKeyFile, "-N", ""]);
    return fs.readFileSync(`${hostKeyFile}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" ");
  };
  let hostKey = newHostKey();
  const config = path.join(dir, "sshd_config");
  const writeConfig = () =>
    fs.writeFileSync(
      config,
      [
        `ListenAddress ${host}:${port}`,
        `HostKey ${hostKeyFile}`,
        `PidFile ${path.join(dir, "sshd.pid")}`,
        `AuthorizedKeysFile ${authorized}`,
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "PermitRootLogin prohibit-password",
        `AllowUsers ${user}`,
        "MaxStartups 100",
        "MaxSessions 20",
        "LogLevel ERROR",
        "",
      ].join("\n"),
    );
  writeConfig();
  let proc: ChildProcess;
  let stderr = "";
  const start = async () => {
    proc = spawn(SSHD, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
    proc.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    await waitForPort(host, port, proc, () => stderr);
  };
  const stop = async () => {
    if (proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
  };
  await start();
  return {
    host,
    port,
    user,
    dir,
    get hostKey() {
      return hostKey;
    },
    authorize(publicKey) {
      fs.appendFileSync(authorized, `${publicKey.trim()}\n`);
    },
    async rotateHostKey() {
      await stop();
      hostKey = newHostKey();
      writeConfig();
      await start();
      return hostKey;
    },
    async close() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
