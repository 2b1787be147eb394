/**
 * The GitClient over SSH against a REAL OpenSSH server (Debian's sshd on a loopback address,
 * test/support/sshd.ts) serving bare repositories through the real git-upload-pack: key types
 * and formats, passphrases, both URL forms, a non-standard port, host keys (unknown, mismatched,
 * rotated then re-trusted, hashed known_hosts), shallow first fetch, incremental fetches, tags,
 * SHAs and older commits, a 10,000-file repository, and no socket left open after an operation.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createRepo, git, makeTempDir, tag } from "../../../test/support/git-repo";
import { makeKey, startSshd, type KeyPair, type Sshd } from "../../../test/support/sshd";
import { DEFAULT_READ_LIMITS, GitError, type RepoSource } from "./git-client";
import { IsomorphicGitClient } from "./isomorphic-git-client";
import { fingerprint, parsePublicKey } from "./known-hosts";

async function failure(p: Promise<unknown>): Promise<GitError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(GitError);
    return err as GitError;
  }
  throw new Error("expected a GitError");
}

function fp(key: string): string {
  const k = parsePublicKey(key);
  if (!k.ok) throw new Error(k.reason);
  return fingerprint(k.blob);
}

function packsIn(gitdir: string): string[] {
  try {
    return fs.readdirSync(path.join(gitdir, "objects", "pack")).filter((n) => n.endsWith(".pack"));
  } catch {
    return [];
  }
}

function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
}

function hashedEntry(name: string, key: string): string {
  const salt = crypto.randomBytes(20);
  return `|1|${salt.toString("base64")}|${crypto.createHmac("sha1", salt).update(name).digest("base64")} ${key}`;
}

describe("GitClient over SSH (real OpenSSH server)", () => {
  let sshd: Sshd; // port 2222: a non-standard port
  let sshd22: Sshd; // port 22: for the scp form, which has no port
  let keys: Record<string, KeyPair>;
  let cacheDir: string;
  let repoDir: string;
  const shas: string[] = [];

  beforeAll(async () => {
    const keyDir = makeTempDir("syncline-keys-");
    keys = {
      ed25519: makeKey(keyDir, "ed", "ed25519"),
      ecdsaPem: makeKey(keyDir, "ec", "ecdsa", { pem: true }),
      rsaPem: makeKey(keyDir, "rsa", "rsa", { pem: true }),
      rsa: makeKey(keyDir, "rsa-openssh", "rsa"),
      encrypted: makeKey(keyDir, "enc", "ed25519", { passphrase: "correct horse" }),
      stranger: makeKey(keyDir, "stranger", "ed25519"),
    };
    [sshd, sshd22] = await Promise.all([startSshd({ port: 2222 }), startSshd({ port: 22 })]);
    for (const s of [sshd, sshd22]) for (const k of ["ed25519", "ecdsaPem", "rsaPem", "rsa", "encrypted"]) s.authorize(keys[k]!.publicKey);
    repoDir = path.join(sshd.dir, "repos", "apps.git");
    const work = makeTempDir("syncline-ssh-work-");
    createRepo(work);
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`resources/app-${i}.yaml`] = `kind: App\nmetadata:\n  name: app-${i}\nspec:\n  n: ${i}\n`;
    shas.push(commitFiles(work, files, "initial"));
    for (let i = 1; i <= 4; i++) shas.push(commitFiles(work, { [`resources/history-${i}.json`]: JSON.stringify({ kind: "App", n: i }) }, `history ${i}`));
    tag(work, "v1.0.0", shas[1], "release 1");
    fs.mkdirSync(path.dirname(repoDir), { recursive: true });
    git(work, ["clone", "-q", "--bare", work, repoDir]);
    // the same repository for the port-22 server
    fs.mkdirSync(path.join(sshd22.dir, "repos"), { recursive: true });
    git(work, ["clone", "-q", "--bare", work, path.join(sshd22.dir, "repos", "apps.git")]);
    (globalThis as { __work?: string }).__work = work;
    cacheDir = makeTempDir("syncline-ssh-cache-");
  }, 60_000);

  afterAll(async () => {
    await Promise.all([sshd?.close(), sshd22?.close()]);
  });

  const sshURL = () => `ssh://${sshd.user}@${sshd.host}:${sshd.port}${repoDir}`;
  const trusted = () => [{ host: sshd.host, port: sshd.port, key: sshd.hostKey }];

  it("ed25519 (OpenSSH format) over ssh:// on port 2222: shallow first fetch, files, blobs; a new commit is fetched incrementally; tags, short SHAs and older commits resolve", async () => {
    const client = new IsomorphicGitClient({ cacheDir });
    const src: RepoSource = { repoURL: sshURL(), ssh: { privateKey: keys.ed25519!.privateKey }, trustedHostKeys: trusted() };
    expect(await client.resolveBranchHead(src, "main")).toBe(shas[4]);
    const got = await client.fetchRevision(src, { branch: "main" });
    expect(got.commit).toBe(shas[4]);
    expect(fs.readFileSync(path.join(client.storeDir(sshURL()), "shallow"), "utf8").trim()).toBe(shas[4]);
    const listed = await client.listFiles(src, got.commit, "/resources", DEFAULT_READ_LIMITS);
    expect(listed.files).toHaveLength(54);
    const blobs = await client.readBlobs(src, [listed.files.find((f) => f.path === "resources/app-7.yaml")!.oid]);
    expect(Buffer.from([...blobs.values()][0]!).toString()).toContain("name: app-7");

    const work = (globalThis as { __work?: string }).__work!;
    const next = commitFiles(work, { "resources/app-7.yaml": "kind: App\nmetadata:\n  name: app-7\nspec:\n  n: 700\n" }, "change app-7");
    git(work, ["push", "-q", repoDir, "main"]);
    const packsBefore = fs.readdirSync(path.join(client.storeDir(sshURL()), "objects", "pack")).filter((n) => n.endsWith(".pack")).length;
    expect((await client.fetchRevision(src, { branch: "main" })).commit).toBe(next);
    const packsAfter = fs.readdirSync(path.join(client.storeDir(sshURL()), "objects", "pack")).filter((n) => n.endsWith(".pack")).length;
    expect(packsAfter).toBe(packsBefore + 1);

    expect((await client.fetchRevision(src, { branch: "main", revision: "v1.0.0" })).commit).toBe(shas[1]);
    expect((await client.fetchRevision(src, { branch: "main", revision: shas[2]!.slice(0, 10) })).commit).toBe(shas[2]);
    const old = await client.fetchRevision(src, { branch: "main", revision: shas[0], checkOnBranch: true });
    expect(old).toMatchObject({ commit: shas[0], onBranch: true });
    const oldFiles = await client.listFiles(src, shas[0]!, "/resources", DEFAULT_READ_LIMITS);
    expect(oldFiles.files).toHaveLength(50);
    expect(openSockets()).toBe(0);
  });

  it("the scp form user@host:path on port 22 with an ECDSA key in PEM format and the secret's hashed known_hosts entry", async () => {
    const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-ssh-cache-") });
    const url = `${sshd22.user}@${sshd22.host}:${path.join(sshd22.dir, "repos", "apps.git")}`;
    const src: RepoSource = {
      repoURL: url,
      ssh: { privateKey: keys.ecdsaPem!.privateKey, knownHosts: `# hashed\n${hashedEntry(sshd22.host, sshd22.hostKey)}\n` },
    };
    expect((await client.fetchRevision(src, { branch: "main" })).commit).toBe(shas[4]);
  });

  it("RSA keys (PEM and OpenSSH format) with a plain [host]:port known_hosts entry", async () => {
    for (const k of [keys.rsaPem!, keys.rsa!]) {
      const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-ssh-cache-") });
      const src: RepoSource = { repoURL: sshURL(), ssh: { privateKey: k.privateKey, knownHosts: `[${sshd.host}]:${sshd.port} ${sshd.hostKey}\n` } };
      expect(await client.resolveBranchHead(src, "main")).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it("an encrypted key opens with its passphrase; a wrong passphrase or a key the server does not know fails with SSH_AUTH_FAILED and no key material in the message", async () => {
    const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-ssh-cache-") });
    const good: RepoSource = { repoURL: sshURL(), ssh: { privateKey: keys.encrypted!.privateKey, passphrase: "correct horse" }, trustedHostKeys: trusted() };
    expect(await client.resolveBranchHead(good, "main")).toMatch(/^[0-9a-f]{40}$/);
    const wrong = await failure(client.resolveBranchHead({ ...good, ssh: { ...good.ssh!, passphrase: "not-the-passphrase" } }, "main"));
    expect(wrong.code).toBe("SSH_AUTH_FAILED");
    expect(wrong.message).toMatch(/passphrase/);
    expect(wrong.message).not.toContain("not-the-passphrase");
    const stranger = await failure(client.fetchRevision({ ...good, ssh: { privateKey: keys.stranger!.privateKey } }, { branch: "main" }));
    expect(stranger.code).toBe("SSH_AUTH_FAILED");
    expect(stranger.message).toMatch(/refused the key/);
    const pub = keys.stranger!.publicKey.split(/\s+/)[1]!;
    for (const m of [wrong.message, stranger.message]) {
      expect(m).not.toContain(pub);
      expect(m).not.toContain(fp(keys.stranger!.publicKey));
      expect(m).not.toMatch(/PRIVATE KEY/);
    }
    expect(openSockets()).toBe(0);
  });

  it("an unknown host key fails with SSH_HOST_KEY_UNKNOWN, the host and its SHA256 fingerprint, and nothing is fetched", async () => {
    const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-ssh-cache-") });
    const err = await failure(client.fetchRevision({ repoURL: sshURL(), ssh: { privateKey: keys.ed25519!.privateKey } }, { branch: "main" }));
    expect(err.code).toBe("SSH_HOST_KEY_UNKNOWN");
    expect(err.message).toContain(`${sshd.host}:${sshd.port}`);
    expect(err.message).toContain(fp(sshd.hostKey));
    expect(packsIn(client.storeDir(sshURL()))).toEqual([]);
  });

  it("a rotated host key fails with SSH_HOST_KEY_MISMATCH (old and new fingerprints, nothing fetched) until the new key is trusted", async () => {
    const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-ssh-cache-") });
    const oldKey = sshd.hostKey;
    const src: RepoSource = { repoURL: sshURL(), ssh: { privateKey: keys.ed25519!.privateKey }, trustedHostKeys: trusted() };
    expect(await client.resolveBranchHead(src, "main")).toMatch(/^[0-9a-f]{40}$/);
    const newKey = await sshd.rotateHostKey();
    const err = await failure(client.fetchRevision(src, { branch: "main" }));
    expect(err.code).toBe("SSH_HOST_KEY_MISMATCH");
    expect(err.message).toContain(fp(oldKey));
    expect(err.message).toContain(fp(newKey));
    expect(packsIn(client.storeDir(sshURL()))).toEqual([]);
    // re-trust: the new key replaces the old one
    const retrusted: RepoSource = { ...src, trustedHostKeys: [{ host: sshd.host, port: sshd.port, key: newKey }] };
    expect((await client.fetchRevision(retrusted, { branch: "main" })).commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("a repository that does not exist fails with NOT_FOUND", async () => {
    const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-ssh-cache-") });
    const err = await failure(
      client.resolveBranchHead(
        { repoURL: `ssh://${sshd.user}@${sshd.host}:${sshd.port}/nowhere/none.git`, ssh: { privateKey: keys.ed25519!.privateKey }, trustedHostKeys: trusted() },
        "main",
      ),
    );
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toMatch(/not found on the SSH server/);
  });

  it("a 10,000-file repository: the first fetch over SSH lists all files, with one connection and no socket left open", async () => {
    const big = path.join(sshd.dir, "repos", "big.git");
    const work = makeTempDir("syncline-ssh-big-");
    createRepo(work);
    const files: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) files[`resources/r-${i}.yaml`] = `kind: App\nmetadata:\n  name: r-${i}\nspec:\n  n: ${i}\n`;
    commitFiles(work, files, "ten thousand");
    git(work, ["clone", "-q", "--bare", work, big]);
    const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-ssh-cache-") });
    const src: RepoSource = {
      repoURL: `ssh://${sshd.user}@${sshd.host}:${sshd.port}${big}`,
      ssh: { privateKey: keys.ed25519!.privateKey },
      trustedHostKeys: trusted(),
    };
    const got = await client.fetchRevision(src, { branch: "main" });
    const listed = await client.listFiles(src, got.commit, "/", DEFAULT_READ_LIMITS);
    expect(listed.files).toHaveLength(10_000);
    expect(openSockets()).toBe(0);
  }, 120_000);
});
