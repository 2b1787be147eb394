/**
 * Git over SSH with the `ssh2` package (pure JS): each request isomorphic-git or our shallow
 * fetch makes to the smart-HTTP endpoints is answered by running `git-upload-pack '<path>'`
 * over an exec channel of ONE SSH connection per Git operation (opened on first use, closed
 * by `close()`):
 *
 * - `GET …/info/refs?service=git-upload-pack`: the ref advertisement, then a flush to end the
 *   session (ls-remote);
 * - `POST …/git-upload-pack`: the advertisement is read and dropped, the request body written,
 *   and everything upload-pack answers returned. Protocol v0/v1 over a stateful channel answers a
 *   one-shot request (wants, flush, haves, done) exactly as the stateless HTTP endpoint does, so
 *   the pack receiver, pack index and shallow bookkeeping are the HTTP path's.
 *
 * Host keys are never skipped (known-hosts.ts): the secret's knownHosts or Syncline's trusted
 * host keys must hold the key the server presents, else the connection is dropped before
 * authentication with SSH_HOST_KEY_UNKNOWN / SSH_HOST_KEY_MISMATCH. The host goes through the URL
 * policy and the connection goes to the vetted address. Connect, idle and overall timeouts,
 * keepalive, and the request's abort signal all end the connection. Nothing the server writes on
 * stderr reaches an error message (only fixed sentences); key material never does.
 */
import ssh2, { type Client, type ClientChannel, type ConnectConfig } from "ssh2";
import { formatSshUrl, shellQuote, type SshURL } from "@/lib/engine/ssh-url";
import { GitError, type SshCredentials, type TrustedHostKey } from "./git-client";
import { collect, seconds, type HttpTransport } from "./http-transport";
import { knownTypesFor, parseKnownHosts, trustedAsKnown, verifyHostKey, type HostKeyVerdict, type KnownHostKey } from "./known-hosts";
import { vetHost, type UrlPolicyOptions } from "./url-policy";

// ssh2 is CommonJS: its named exports are not visible to Node's own ESM loader (the bench, tsx)
const { Client: SshClient } = ssh2;

export interface SshTransportOptions extends UrlPolicyOptions {
  /** TCP connect + SSH handshake + authentication (default 20 s) */
  sshConnectTimeoutMs?: number;
  /** whole Git operation on this connection (default 120 s; `totalTimeoutMs` of the HTTP transport) */
  totalTimeoutMs?: number;
  /** no bytes from the server on a channel (default 30 s) */
  idleTimeoutMs?: number;
  /** SSH keepalive interval (default 15 s, 3 unanswered end the connection) */
  sshKeepaliveMs?: number;
  /** response cap per request (default 512 MiB) */
  maxResponseBytes?: number;
}

export interface SshTransport extends HttpTransport {
  /** ends the connection; resolves once its socket is closed */
  close(): Promise<void>;
}

const ALL_HOST_KEY_ALGORITHMS = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
] as const;
type HostKeyAlgorithm = (typeof ALL_HOST_KEY_ALGORITHMS)[number];

function algorithmsFor(types: string[]): HostKeyAlgorithm[] {
  const first: HostKeyAlgorithm[] = [];
  for (const t of types) {
    if (t === "ssh-rsa") first.push("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa");
    else if ((ALL_HOST_KEY_ALGORITHMS as readonly string[]).includes(t)) first.push(t as HostKeyAlgorithm);
  }
  return [...new Set([...first, ...ALL_HOST_KEY_ALGORITHMS])];
}

/** The error a host-key verdict becomes: the host, port and fingerprints, nothing else. */
export function hostKeyError(v: Exclude<HostKeyVerdict, { ok: true }>, host: string, port: number): GitError {
  const where = `${host}:${port}`;
  if (v.code === "SSH_HOST_KEY_UNKNOWN") {
    return new GitError(
      "SSH_HOST_KEY_UNKNOWN",
      `SSH_HOST_KEY_UNKNOWN: the SSH host key of ${where} is not trusted (${v.type} ${v.fingerprint}); nothing was fetched. Check the fingerprint with the Git host, then trust it (definition page, syncline known-host add, or the secret's knownHosts)`,
    );
  }
  if (v.code === "SSH_HOST_KEY_MISMATCH") {
    return new GitError(
      "SSH_HOST_KEY_MISMATCH",
      `SSH_HOST_KEY_MISMATCH: the SSH host key of ${where} changed: trusted ${v.expected.join(", ")}, presented ${v.type} ${v.fingerprint}; nothing was fetched. If the Git host rotated its key, remove the old trusted key and trust the new one`,
    );
  }
  return new GitError(
    "SSH_HOST_KEY_MISMATCH",
    `SSH_HOST_KEY_MISMATCH: the SSH host key of ${where} (${v.type} ${v.fingerprint}) is revoked in known_hosts; nothing was fetched`,
  );
}

export function createSshTransport(target: SshURL, creds: SshCredentials | undefined, trusted: TrustedHostKey[], opts: SshTransportOptions = {}): SshTransport {
  const totalMs = opts.totalTimeoutMs ?? 120_000;
  const idleMs = opts.idleTimeoutMs ?? 30_000;
  const maxBytes = opts.maxResponseBytes ?? 512 * 1024 * 1024;
  const display = formatSshUrl(target);
  const where = `${target.host}:${target.port}`;
  const known: KnownHostKey[] = [
    ...(creds?.knownHosts ? parseKnownHosts(creds.knownHosts).keys : []),
    ...trusted.map(trustedAsKnown).filter((k): k is KnownHostKey => !!k),
  ];
  const started = Date.now();
  let client: Client | undefined;
  let ready: Promise<Client> | undefined;
  let closed = false;
  let markClosed: () => void = () => undefined;
  const socketClosed = new Promise<void>((r) => (markClosed = r));

  const transport: SshTransport = {
    failure: undefined,
    stats: { requests: 0, bytesReceived: 0 },
    async request(req) {
      try {
        const u = new URL(req.url);
        transport.stats.requests++;
        const conn = await connect(req.signal);
        if (req.method !== "POST" && u.pathname.endsWith("/info/refs")) {
          const adv = await exec(conn, undefined, req.signal);
          const body = Buffer.concat([Buffer.from("001e# service=git-upload-pack\n0000"), adv]);
          return response(req.url, "GET", "application/x-git-upload-pack-advertisement", body);
        }
        if (req.method === "POST" && u.pathname.endsWith("/git-upload-pack")) {
          const out = await exec(conn, req.body === undefined ? Buffer.alloc(0) : await collect(req.body), req.signal);
          return response(req.url, "POST", "application/x-git-upload-pack-result", out);
        }
        throw new GitError("INTERNAL", "the SSH transport serves git-upload-pack only");
      } catch (err) {
        const e = toGitError(err);
        if (!transport.failure) transport.failure = e;
        throw e;
      }
    },
    async close() {
      closed = true;
      const c = client;
      if (!c) return;
      c.end();
      c.destroy();
      // the socket's handle is gone only after its close event: wait for it (bounded)
      await Promise.race([socketClosed, new Promise((r) => setTimeout(r, 2000).unref())]);
    },
  };

  function toGitError(err: unknown): GitError {
    if (err instanceof GitError) return err;
    const e = err as { level?: string; code?: string; message?: string };
    if (e.level === "client-authentication") {
      return new GitError(
        "SSH_AUTH_FAILED",
        `SSH_AUTH_FAILED: ${where} refused the key of the secret for user ${target.user} (add the secret's public key as a deploy key with read access)`,
      );
    }
    if (e.level === "client-timeout")
      return new GitError("TIMEOUT", `could not connect to ${where} over SSH: connect timeout of ${seconds(opts.sshConnectTimeoutMs ?? 20_000)} exceeded`);
    if (e.code === "ECONNREFUSED") return new GitError("NETWORK", `cannot connect to ${where} over SSH: connection refused`);
    if (e.code === "ENOTFOUND") return new GitError("NETWORK", `cannot resolve host ${target.host}`);
    if (e.code === "EHOSTUNREACH" || e.code === "ENETUNREACH") return new GitError("NETWORK", `host ${where} is unreachable`);
    if (e.code === "ECONNRESET" || e.level === "client-socket") return new GitError("NETWORK", `the SSH connection to ${where} was dropped`);
    if (e.level === "protocol" || e.level === "handshake") return new GitError("NETWORK", `${where} does not speak the SSH protocol (handshake failed)`);
    return new GitError("NETWORK", `the SSH connection to ${where} failed${e.code && /^[A-Z0-9_]{1,40}$/.test(e.code) ? ` (${e.code})` : ""}`);
  }

  function connect(signal?: AbortSignal): Promise<Client> {
    if (ready) return ready;
    ready = (async () => {
      if (closed) throw new GitError("INTERNAL", "the SSH transport is closed");
      if (!creds?.privateKey)
        throw new GitError("SSH_AUTH_FAILED", `SSH_AUTH_FAILED: ${display} needs a git-ssh secret (gitops.secretName) holding a private key`);
      const host = target.host.includes(":") ? `[${target.host}]` : target.host;
      const addresses = await vetHost(new URL(`ssh://${host}:${target.port}`), opts);
      return new Promise<Client>((resolve, reject) => {
        const c = new SshClient();
        client = c;
        c.once("close", () => markClosed());
        let hostKeyFailure: GitError | undefined;
        let settled = false;
        const fail = (err: unknown) => {
          if (settled) return;
          settled = true;
          c.destroy();
          reject(hostKeyFailure ?? err);
        };
        const onAbort = () => fail(new GitError("TIMEOUT", "the Git operation was cancelled"));
        signal?.addEventListener("abort", onAbort, { once: true });
        c.on("ready", () => {
          settled = true;
          signal?.removeEventListener("abort", onAbort);
          resolve(c);
        });
        c.on("error", (err) => fail(err));
        c.on("close", () => fail(new GitError("NETWORK", `the SSH connection to ${where} was closed before it was ready`)));
        const config: ConnectConfig = {
          host: addresses[0],
          port: target.port,
          username: target.user,
          privateKey: creds.privateKey,
          passphrase: creds.passphrase || undefined,
          readyTimeout: opts.sshConnectTimeoutMs ?? 20_000,
          keepaliveInterval: opts.sshKeepaliveMs ?? 15_000,
          keepaliveCountMax: 3,
          algorithms: { serverHostKey: algorithmsFor(knownTypesFor(known, target.host, target.port)) },
          hostVerifier: (key: Buffer) => {
            const v = verifyHostKey(known, target.host, target.port, key);
            if (v.ok) return true;
            hostKeyFailure = hostKeyError(v, target.host, target.port);
            return false;
          },
          ident: "SSH-2.0-syncline",
        };
        try {
          c.connect(config);
        } catch (err) {
          // a key ssh2 cannot read (checked on save; a passphrase changed since)
          fail(
            new GitError(
              "SSH_AUTH_FAILED",
              `SSH_AUTH_FAILED: the private key of the secret cannot be used (${/passphrase|decrypt/i.test(String((err as Error)?.message)) ? "wrong or missing passphrase" : "unsupported or damaged key"})`,
            ),
          );
        }
      });
    })();
    return ready;
  }

  /** Runs git-upload-pack; with `body` undefined: the advertisement only, then a flush. */
  function exec(conn: Client, body: Buffer | undefined, signal?: AbortSignal): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      conn.exec(`git-upload-pack ${shellQuote(target.path)}`, (err, ch: ClientChannel) => {
        if (err) return reject(new GitError("NETWORK", `${where} refused to run git-upload-pack over SSH`));
        const chunks: Buffer[] = [];
        let received = 0;
        let stderr = "";
        let exitCode: number | null = null;
        let adEnd = -1; // end of the ref advertisement in `chunks`
        let settled = false;
        const deadline = Math.max(0, started + totalMs - Date.now());
        const finish = (e: GitError | undefined, value?: Buffer) => {
          if (settled) return;
          settled = true;
          clearTimeout(total);
          clearTimeout(idle);
          signal?.removeEventListener("abort", onAbort);
          if (e) {
            ch.destroy();
            // a stuck server must not keep the connection: end it
            if (e.code === "TIMEOUT") void transport.close();
            reject(e);
          } else resolve(value!);
        };
        const total = setTimeout(
          () => finish(new GitError("TIMEOUT", `the SSH fetch from ${where} timed out: total timeout of ${seconds(totalMs)} exceeded`)),
          deadline,
        );
        let idle = setTimeout(() => undefined, 0);
        const touch = () => {
          clearTimeout(idle);
          idle = setTimeout(
            () => finish(new GitError("TIMEOUT", `the SSH fetch from ${where} timed out: idle timeout of ${seconds(idleMs)} exceeded (no data received)`)),
            idleMs,
          );
        };
        touch();
        const onAbort = () => finish(new GitError("TIMEOUT", "the Git operation was cancelled"));
        signal?.addEventListener("abort", onAbort, { once: true });
        ch.stderr.on("data", (d: Buffer) => {
          if (stderr.length < 4096) stderr += d.toString("utf8");
        });
        ch.on("exit", (code: number | null) => {
          exitCode = code;
        });
        ch.on("data", (d: Buffer) => {
          touch();
          received += d.length;
          transport.stats.bytesReceived += d.length;
          if (received > maxBytes)
            return finish(new GitError("LIMIT_EXCEEDED", `git response exceeds the size limit of ${Math.round(maxBytes / 1048576)} MiB (maxResponseBytes)`));
          chunks.push(d);
          if (adEnd >= 0) return;
          const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          if (chunks.length > 1) chunks.splice(0, chunks.length, all);
          const end = advertisementEnd(all);
          if (end === "bad") return finish(new GitError("NETWORK", `${where} did not answer with the Git protocol over SSH (is git-upload-pack the Git one?)`));
          if (end === undefined) return;
          adEnd = end;
          if (body === undefined) {
            ch.end(Buffer.from("0000"));
            finish(undefined, all.subarray(0, end));
            return;
          }
          chunks.splice(0, 1, all.subarray(end));
          ch.write(body);
        });
        ch.on("close", () => {
          if (settled) return;
          if (adEnd < 0) return finish(startFailure(exitCode, stderr));
          if (body !== undefined) return finish(undefined, Buffer.concat(chunks));
          finish(new GitError("NETWORK", `the SSH connection to ${where} was dropped`));
        });
      });
    });
  }

  function startFailure(exitCode: number | null, stderr: string): GitError {
    const t = stderr.toLowerCase();
    if (exitCode === 127 || /command not found|not found: git-upload-pack|no such file or directory.*upload-pack|git-upload-pack: not found/.test(t)) {
      return new GitError(
        "NETWORK",
        `git-upload-pack is not available on ${where}: the SSH server cannot serve Git (install git there, or check the account's shell)`,
      );
    }
    if (/does not appear to be a git repository|not a git repository|repository not found|no such repository|could not be found|does not exist/.test(t)) {
      return new GitError("NOT_FOUND", `repository ${display} not found on the SSH server (or the key has no access to it)`);
    }
    if (/permission denied|access denied|not authori[sz]ed|forbidden/.test(t)) {
      return new GitError("SSH_AUTH_FAILED", `SSH_AUTH_FAILED: ${where} denied the key access to ${target.path}`);
    }
    return new GitError(
      "NETWORK",
      `git-upload-pack on ${where} ended without answering${exitCode !== null ? ` (exit ${exitCode})` : ""}; its message is not shown (server text is not trusted)`,
    );
  }

  return transport;
}

/** Offset after the advertisement's flush-pkt; undefined: need more bytes; "bad": not pkt-lines. */
function advertisementEnd(buf: Buffer): number | "bad" | undefined {
  let pos = 0;
  while (pos + 4 <= buf.length) {
    const hex = buf.toString("latin1", pos, pos + 4);
    if (!/^[0-9a-f]{4}$/i.test(hex)) return "bad";
    const len = parseInt(hex, 16);
    if (len === 0) return pos + 4;
    if (len < 4) return "bad";
    if (pos + len > buf.length) return undefined;
    pos += len;
  }
  return undefined;
}

function response(url: string, method: string, type: string, body: Buffer) {
  return {
    url,
    method,
    headers: { "content-type": type },
    statusCode: 200,
    statusMessage: "OK",
    body: (async function* () {
      yield body as Uint8Array;
    })(),
  };
}

/** Connects only to learn the host key (no authentication): `syncline known-host add --scan` and "Trust this key". */
export async function scanHostKey(host: string, port: number, opts: SshTransportOptions = {}): Promise<Buffer> {
  const h = host.includes(":") ? `[${host}]` : host;
  const addresses = await vetHost(new URL(`ssh://${h}:${port}`), opts);
  return new Promise((resolve, reject) => {
    const c = new SshClient();
    let key: Buffer | undefined;
    const done = (err?: unknown) => {
      c.destroy();
      if (key) resolve(key);
      else
        reject(
          err instanceof GitError
            ? err
            : new GitError(
                (err as { level?: string })?.level === "client-timeout" ? "TIMEOUT" : "NETWORK",
                `could not read the SSH host key of ${host}:${port}`,
              ),
        );
    };
    c.on("error", done);
    c.on("close", () => done());
    c.connect({
      host: addresses[0],
      port,
      username: "git",
      readyTimeout: opts.sshConnectTimeoutMs ?? 15_000,
      hostVerifier: (k: Buffer) => {
        key = Buffer.from(k);
        return false;
      },
      ident: "SSH-2.0-syncline",
    });
  });
}
