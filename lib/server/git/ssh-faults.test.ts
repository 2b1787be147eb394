/**
 * SSH faults against an in-process `ssh2` server on 127.0.0.1: authentication refused, a server
 * that never answers (idle timeout, and cancellation), a dropped connection, garbage instead of
 * the Git protocol, git-upload-pack missing, a TCP peer that is not SSH, and one that never
 * finishes the handshake (connect timeout). Every failure is a GitError with a fixed sentence:
 * nothing the server wrote, no key material, and no socket left open.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Server, utils, type Connection } from "ssh2";
import { makeTempDir } from "../../../test/support/git-repo";
import { GitError, type RepoSource } from "./git-client";
import { IsomorphicGitClient } from "./isomorphic-git-client";
import { createSshTransport } from "./ssh-transport";
import { parseSshUrl } from "@/lib/engine/ssh-url";

type Mode = "refuse-auth" | "silent" | "drop" | "garbage" | "no-upload-pack";

const hostKey = utils.generateKeyPairSync("ed25519");
const clientKey = utils.generateKeyPairSync("ed25519");

async function failure(p: Promise<unknown>): Promise<GitError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(GitError);
    return err as GitError;
  }
  throw new Error("expected a GitError");
}

function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
}

describe("SSH transport faults (in-process ssh2 server)", () => {
  let server: Server;
  let port: number;
  let mode: Mode = "silent";
  const conns = new Set<Connection>();

  beforeAll(async () => {
    server = new Server({ hostKeys: [hostKey.private] }, (conn) => {
      conns.add(conn);
      conn.on("error", () => undefined);
      conn.on("close", () => conns.delete(conn));
      conn.on("authentication", (ctx) => (mode === "refuse-auth" || ctx.method !== "publickey" ? ctx.reject(["publickey"]) : ctx.accept()));
      conn.on("ready", () => {
        conn.on("session", (accept) => {
          const session = accept();
          session.on("exec", (acceptExec) => {
            const ch = acceptExec();
            if (mode === "drop") return conn.end();
            if (mode === "garbage") {
              ch.write("HTTP/1.1 200 OK\r\n\r\n<html>this is not git, SECRET-SERVER-TEXT</html>");
              return (ch.exit(0), ch.end());
            }
            if (mode === "no-upload-pack") {
              ch.stderr.write("bash: line 1: git-upload-pack: command not found SECRET-SERVER-TEXT\n");
              return (ch.exit(127), ch.end());
            }
            // silent: accept and never answer
          });
        });
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    for (const c of conns) c.end();
    await new Promise((r) => server.close(r));
  });

  const src = (): RepoSource => ({
    repoURL: `ssh://git@127.0.0.1:${port}/org/repo.git`,
    ssh: { privateKey: clientKey.private },
    trustedHostKeys: [{ host: "127.0.0.1", port, key: hostKey.public.split(" ").slice(0, 2).join(" ") }],
  });

  function client(o: { idleTimeoutMs?: number; sshConnectTimeoutMs?: number } = {}) {
    return new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-ssh-fault-"), ...o });
  }

  it("authentication refused: SSH_AUTH_FAILED", async () => {
    mode = "refuse-auth";
    const err = await failure(client().resolveBranchHead(src(), "main"));
    expect(err.code).toBe("SSH_AUTH_FAILED");
    expect(err.message).toMatch(/refused the key of the secret for user git/);
    expect(err.message).not.toContain(clientKey.public.split(" ")[1]!);
  });

  it("a server that accepts the command and never answers: TIMEOUT after the idle timeout, connection closed", async () => {
    mode = "silent";
    const t0 = Date.now();
    const err = await failure(client({ idleTimeoutMs: 800 }).fetchRevision(src(), { branch: "main" }));
    expect(err.code).toBe("TIMEOUT");
    expect(err.message).toMatch(/idle timeout of 800 ms/);
    expect(Date.now() - t0).toBeLessThan(5000);
    // the server's side of the connection lives in this process too: it closes once ours has
    for (let i = 0; i < 40 && openSockets() > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(conns.size).toBe(0);
    expect(openSockets()).toBe(0);
  });

  it("cancellation: an aborted request ends at once with the connection closed", async () => {
    mode = "silent";
    const parsed = parseSshUrl(src().repoURL);
    if (!parsed.ok) throw new Error(parsed.reason);
    const t = createSshTransport(parsed.url, src().ssh, src().trustedHostKeys!, { idleTimeoutMs: 30_000 });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const t0 = Date.now();
    const err = await t.request({ url: "https://ssh.syncline.invalid/x/info/refs?service=git-upload-pack", signal: abort.signal }).then(
      () => null,
      (e: unknown) => e as GitError,
    );
    expect(err?.message).toBe("the Git operation was cancelled");
    expect(Date.now() - t0).toBeLessThan(3000);
    await t.close();
    for (let i = 0; i < 40 && openSockets() > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(openSockets()).toBe(0);
  });

  it("a dropped connection: NETWORK, nothing fetched", async () => {
    mode = "drop";
    const err = await failure(client().fetchRevision(src(), { branch: "main" }));
    expect(err.code).toBe("NETWORK");
    expect(err.message).toMatch(/dropped|closed|ended without answering/);
  });

  it("garbage instead of the Git protocol: NETWORK with a fixed sentence, none of the server's text", async () => {
    mode = "garbage";
    const err = await failure(client().resolveBranchHead(src(), "main"));
    expect(err.code).toBe("NETWORK");
    expect(err.message).toMatch(/did not answer with the Git protocol/);
    expect(err.message).not.toContain("SECRET-SERVER-TEXT");
  });

  it("git-upload-pack missing on the server: says so, without quoting the server", async () => {
    mode = "no-upload-pack";
    const err = await failure(client().resolveBranchHead(src(), "main"));
    expect(err.message).toMatch(/git-upload-pack is not available on 127\.0\.0\.1:\d+/);
    expect(err.message).not.toContain("SECRET-SERVER-TEXT");
  });

  it("a host key other than the trusted one: SSH_HOST_KEY_MISMATCH before authentication", async () => {
    mode = "silent";
    const other = utils.generateKeyPairSync("ed25519");
    const err = await failure(
      client().resolveBranchHead({ ...src(), trustedHostKeys: [{ host: "127.0.0.1", port, key: other.public.split(" ").slice(0, 2).join(" ") }] }, "main"),
    );
    expect(err.code).toBe("SSH_HOST_KEY_MISMATCH");
  });

  it("a TCP peer that is not SSH, and one that never finishes the handshake (connect timeout)", async () => {
    const junk = net.createServer((s) => s.end("220 smtp.example ESMTP SECRET-SERVER-TEXT\r\n"));
    const mute = net.createServer(() => undefined);
    await Promise.all([new Promise<void>((r) => junk.listen(0, "127.0.0.1", r)), new Promise<void>((r) => mute.listen(0, "127.0.0.1", r))]);
    try {
      const jp = (junk.address() as net.AddressInfo).port;
      const mp = (mute.address() as net.AddressInfo).port;
      const e1 = await failure(client().resolveBranchHead({ ...src(), repoURL: `ssh://git@127.0.0.1:${jp}/r.git` }, "main"));
      expect(e1.code).toBe("NETWORK");
      expect(e1.message).not.toContain("SECRET-SERVER-TEXT");
      const e2 = await failure(client({ sshConnectTimeoutMs: 700 }).resolveBranchHead({ ...src(), repoURL: `ssh://git@127.0.0.1:${mp}/r.git` }, "main"));
      expect(e2.code).toBe("TIMEOUT");
      expect(e2.message).toMatch(/connect timeout/);
    } finally {
      junk.close();
      mute.close();
      for (const s of [junk, mute]) (s as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    }
  });
});
