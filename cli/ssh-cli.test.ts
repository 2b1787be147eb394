/**
 * The SSH commands of the CLI against the real built server and a real OpenSSH server:
 * `secret create git-ssh` (passphrase from SYNCLINE_SSH_PASSPHRASE; prints the public key and
 * fingerprint, never the private key), `secret ls`, `known-host add --key`, `known-host add
 * --scan --yes` (the fingerprint printed is the server's), `known-host ls` and `rm`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, startAppServer, type AppServer } from "../test/support/app-server";
import { makeKey, startSshd, type KeyPair, type Sshd } from "../test/support/sshd";
import { fingerprint, parsePublicKey } from "../lib/server/git/known-hosts";
import { runCli, type CliResult } from "./test-support/run-cli";

let server: AppServer;
let sshd: Sshd;
let token: string;
let tmp: string;
let key: KeyPair;

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli(args, { env: { SYNCLINE_SERVER: server.url, SYNCLINE_TOKEN: token, SYNCLINE_CONFIG: path.join(tmp, "unused-config.json"), ...env } });
}

function fp(k: string): string {
  const p = parsePublicKey(k);
  if (!p.ok) throw new Error(p.reason);
  return fingerprint(p.blob);
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "syncline-ssh-cli-"));
  key = makeKey(tmp, "deploy", "ecdsa", { passphrase: "cli passphrase" });
  [sshd, server] = await Promise.all([startSshd({ port: 2222 }), startAppServer({ env: { SYNCLINE_SCHEDULER: "0" } })]);
  token = await issueToken(server, "admin", "ssh-cli-tests");
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await sshd?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("syncline secret / known-host (real binary, real server, real sshd)", () => {
  it("has --help with examples on every new command", async () => {
    const commands = [
      ["secret"],
      ["secret", "create"],
      ["secret", "create", "git-ssh"],
      ["secret", "ls"],
      ["known-host"],
      ["known-host", "add"],
      ["known-host", "ls"],
      ["known-host", "rm"],
    ];
    for (const c of commands) {
      const r = await runCli([...c, "--help"]);
      expect(r.code, c.join(" ")).toBe(0);
      expect(r.stdout, c.join(" ")).toContain("Examples:");
      expect(r.stdout, c.join(" ")).toContain("$ syncline");
    }
  });

  it("secret create git-ssh reads the key file and the passphrase from the environment, prints the public key and fingerprint only", async () => {
    const r = await cli(["secret", "create", "git-ssh", "deploy", "--private-key-file", key.file], { SYNCLINE_SSH_PASSPHRASE: "cli passphrase" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Public key fingerprint: ${fp(key.publicKey)}`);
    expect(r.stdout).toContain(key.publicKey.split(" ")[1]!);
    expect(r.stdout).not.toMatch(/PRIVATE KEY|cli passphrase/);
    const wrong = await cli(["secret", "create", "git-ssh", "deploy", "--private-key-file", key.file], { SYNCLINE_SSH_PASSPHRASE: "nope" });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/passphrase does not open the private key/);
    const missing = await cli(["secret", "create", "git-ssh", "deploy", "--private-key-file", path.join(tmp, "none")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--private-key-file .*none: cannot be read/);
  });

  it("secret ls lists names and types, no values", async () => {
    const r = await cli(["secret", "ls"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/deploy\s+git-ssh/);
    expect(r.stdout).not.toMatch(/SHA256|PRIVATE/);
  });

  it("known-host add --scan --yes trusts what the server presents, after printing its fingerprint; --key adds a given key; ls and rm", async () => {
    const scan = await cli(["known-host", "add", `${sshd.host}:${sshd.port}`, "--scan", "--yes"]);
    expect(scan.code, scan.stderr).toBe(0);
    expect(scan.stderr).toContain(`${sshd.host}:${sshd.port} presents ssh-ed25519 ${fp(sshd.hostKey)}`);
    expect(scan.stdout).toContain(`Trusted ssh-ed25519 ${fp(sshd.hostKey)} for ${sshd.host}:${sshd.port}`);
    const other = makeKey(tmp, "other-host", "ed25519");
    const byKey = await cli(["known-host", "add", "git.example.com:2200", "--key", other.publicKey]);
    expect(byKey.code, byKey.stderr).toBe(0);
    const ls = await cli(["known-host", "ls", "-o", "json"]);
    const items = JSON.parse(ls.stdout) as { id: string; host: string; port: number; fingerprint: string }[];
    expect(items.map((k) => [k.host, k.port, k.fingerprint])).toEqual(
      expect.arrayContaining([
        [sshd.host, sshd.port, fp(sshd.hostKey)],
        ["git.example.com", 2200, fp(other.publicKey)],
      ]),
    );
    const rm = await cli(["known-host", "rm", items.find((k) => k.host === "git.example.com")!.id]);
    expect(rm.code).toBe(0);
    expect(JSON.parse((await cli(["known-host", "ls", "-o", "json"])).stdout)).toHaveLength(1);
    const bad = await cli(["known-host", "add", "-oProxyCommand=x", "--key", other.publicKey]);
    expect(bad.code).toBe(2);
  });
});
