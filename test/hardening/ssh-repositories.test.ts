/**
 * Hardening — issue 12: SSH repositories end to end through the services, on the embedded store
 * and a REAL OpenSSH server (test/support/sshd.ts): git-ssh secrets checked on save and never
 * echoed; an unknown host key fails the run with its fingerprint and changes nothing; trusting
 * it (by confirmed fingerprint, audited) lets the sync through; a rotated server key fails with
 * SSH_HOST_KEY_MISMATCH until re-trusted; rollback over SSH; a GitHub webhook carrying ssh_url
 * refreshes the SSH definition; and no key material anywhere in the store, the runs, the audit.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createRepo, git, makeTempDir } from "@/test/support/git-repo";
import { makeKey, startSshd, type KeyPair, type Sshd } from "@/test/support/sshd";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { AppError } from "@/lib/server/errors";
import { listSecrets, putSecret } from "@/lib/server/services/secrets";
import { addKnownHost, listKnownHosts, removeKnownHost } from "@/lib/server/services/ssh-known-hosts";
import { listResources } from "@/lib/server/services/resources";
import { startRollback } from "@/lib/server/services/sync/rollback";
import { handleWebhook } from "@/lib/server/webhooks/handle-webhook";
import { signBody } from "@/lib/server/webhooks/verify";
import { setRefreshWorker } from "@/lib/server/runtime/refresh-queue";
import { findDefinition } from "@/lib/server/data/definitions";
import { getBranchHead } from "@/lib/server/services/branch-head";
import { findSecretRow } from "@/lib/server/data/secrets";
import { fingerprint, parsePublicKey } from "@/lib/server/git/known-hosts";
import type { Principal } from "@/lib/server/auth/principal";
import { defineWidgets, dumpStore, filesContaining, makeAdmin, syncNow, widget } from "./support";

const NAME = "widgets.ssh.io";

function fp(key: string): string {
  const k = parsePublicKey(key);
  if (!k.ok) throw new Error(k.reason);
  return fingerprint(k.blob);
}

async function appError(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error("expected an AppError");
}

describe("hardening: SSH repositories (real OpenSSH server, embedded store)", () => {
  let store: TestStore;
  let sshd: Sshd;
  let admin: Principal;
  let key: KeyPair;
  let work: string;
  let bare: string;
  let repoURL: string;
  const commits: string[] = [];

  beforeAll(async () => {
    store = await openTestStore();
    admin = await makeAdmin();
    sshd = await startSshd({ port: 2222 });
    key = makeKey(makeTempDir("syncline-keys-"), "deploy", "ed25519", { passphrase: "deploy key passphrase" });
    sshd.authorize(key.publicKey);
    work = makeTempDir("syncline-ssh-work-");
    createRepo(work);
    commits.push(
      commitFiles(work, { "resources/a.json": widget("p", "a", { replicas: 1 }), "resources/b.json": widget("p", "b", { replicas: 1 }) }, "two widgets"),
    );
    bare = path.join(sshd.dir, "org", "widgets.git");
    fs.mkdirSync(path.dirname(bare), { recursive: true });
    git(work, ["clone", "-q", "--bare", work, bare]);
    repoURL = `ssh://${sshd.user}@${sshd.host}:${sshd.port}${bare}`;
  }, 60_000);

  afterAll(async () => {
    await sshd?.close();
    await store?.close();
  });

  it("a git-ssh secret is checked on save (field named, key never echoed), stored encrypted, and answers only its public half", async () => {
    const noPass = await appError(putSecret({ name: "deploy", type: "git-ssh", privateKey: key.privateKey }, admin));
    expect(noPass.message).toMatch(/passphrase: the private key is encrypted/);
    const wrong = await appError(putSecret({ name: "deploy", type: "git-ssh", privateKey: key.privateKey, passphrase: "nope-nope" }, admin));
    expect(wrong.message).toMatch(/passphrase: the passphrase does not open the private key/);
    const junk = await appError(
      putSecret(
        { name: "deploy", type: "git-ssh", privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAjunkjunkjunk\n-----END OPENSSH PRIVATE KEY-----" },
        admin,
      ),
    );
    expect(junk.message).toMatch(/privateKey: the private key cannot be read/);
    expect(junk.message).not.toContain("AAAAjunk");
    const pub = await appError(putSecret({ name: "deploy", type: "git-ssh", privateKey: key.publicKey }, admin));
    expect(pub.message).toMatch(/privateKey: not a private key/);
    const hosts = await appError(
      putSecret(
        { name: "deploy", type: "git-ssh", privateKey: key.privateKey, passphrase: "deploy key passphrase", knownHosts: "host ssh-ed25519 !!!\n" },
        admin,
      ),
    );
    expect(hosts.message).toMatch(/knownHosts: line 1: the key is not base64/);
    for (const e of [noPass, wrong, junk, pub, hosts]) expect(JSON.stringify([e.message, e.details])).not.toContain(key.publicKey.split(" ")[1]!);

    const saved = await putSecret({ name: "deploy", type: "git-ssh", privateKey: key.privateKey, passphrase: "deploy key passphrase" }, admin);
    expect(saved).toEqual({ name: "deploy", type: "git-ssh", publicKey: key.publicKey.split(" ").slice(0, 2).join(" "), fingerprint: fp(key.publicKey) });
    const row = await findSecretRow("deploy");
    expect(row!.ciphertext).not.toContain("PRIVATE KEY");
    expect(JSON.stringify(await listSecrets())).not.toMatch(/PRIVATE|SHA256|passphrase/);
  });

  it("a bad SSH URL is refused at save naming spec.gitops.repoURL", async () => {
    const err = await appError(defineWidgets({ name: "bad-ssh.example.io", kind: "Bssh", repoURL: `ssh://git@${sshd.host}:70000/x.git` }, admin));
    expect(err.message).toMatch(/spec\.gitops\.repoURL.*port must be a number from 1 to 65535/);
  });

  it("an unknown host key fails the run with SSH_HOST_KEY_UNKNOWN and the fingerprint; nothing is applied", async () => {
    await defineWidgets({ name: NAME, kind: "Widget", repoURL, secretName: "deploy" }, admin);
    const run = await syncNow(NAME, admin);
    expect(run.phase).toBe("Failed");
    expect(run.error).toMatch(/SSH_HOST_KEY_UNKNOWN/);
    expect(run.error).toContain(`${sshd.host}:${sshd.port}`);
    expect(run.error).toContain(fp(sshd.hostKey));
    expect((await listResources({ kind: "Widget" })).items).toHaveLength(0);
  });

  it("trusting the key by its confirmed fingerprint (audited) lets the sync through; a wrong fingerprint trusts nothing", async () => {
    const refused = await appError(addKnownHost({ host: sshd.host, port: sshd.port, fingerprint: `SHA256:${"A".repeat(43)}` }, admin));
    expect(refused.code).toBe("CONFLICT");
    expect(await listKnownHosts()).toHaveLength(0);
    const trusted = await addKnownHost({ host: sshd.host, port: sshd.port, fingerprint: fp(sshd.hostKey) }, admin);
    expect(trusted).toMatchObject({ host: sshd.host, port: sshd.port, keyType: "ssh-ed25519", fingerprint: fp(sshd.hostKey), key: sshd.hostKey });
    const run = await syncNow(NAME, admin);
    expect(run.phase, run.error ?? "").toBe("Succeeded");
    expect((await listResources({ kind: "Widget" })).items.map((r) => r.metadata.name).sort()).toEqual(["a", "b"]);
    expect(await dumpStore()).toMatch(/ssh-known-host\.add/);
  });

  it("a new commit syncs, then rollback over SSH returns to the first commit", async () => {
    commits.push(
      commitFiles(work, { "resources/a.json": widget("p", "a", { replicas: 5 }), "resources/c.json": widget("p", "c", { replicas: 1 }) }, "scale a, add c"),
    );
    git(work, ["push", "-q", bare, "main"]);
    const run = await syncNow(NAME, admin);
    expect(run.phase, run.error ?? "").toBe("Succeeded");
    expect(run.resolvedCommit).toBe(commits[1]);
    const back = await (await startRollback(NAME, { commit: commits[0]! }, admin)).done;
    expect(back.phase, back.error ?? "").toBe("Succeeded");
    const a = (await listResources({ kind: "Widget" })).items.find((r) => r.metadata.name === "a");
    expect(a?.spec).toEqual({ replicas: 1 });
  });

  it("a GitHub push webhook whose repository.ssh_url is the SSH form of the definition's repoURL refreshes that definition", async () => {
    await putSecret({ name: "webhook", type: "webhook", secret: "webhook-secret-value" }, admin);
    // the scheduler is off in tests: a worker that records what the webhook asked for
    const requested: string[] = [];
    setRefreshWorker({ request: (ids) => (requested.push(...ids), true), runNow: async () => null });
    // GitHub / GitLab write a non-standard port as ssh://; ".git" and the user do not matter
    const body = Buffer.from(
      JSON.stringify({
        ref: "refs/heads/main",
        repository: { ssh_url: `ssh://git@${sshd.host}:${sshd.port}${bare.replace(/\.git$/, "")}`, clone_url: "https://elsewhere.invalid/x.git" },
      }),
    );
    const res = await handleWebhook(
      "github",
      new Request("http://localhost/api/webhooks/github", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "push",
          "x-hub-signature-256": signBody("webhook-secret-value", body, "sha256="),
          "x-github-delivery": "ssh-1",
        },
        body,
      }),
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ result: "accepted", definitions: [NAME] });
    setRefreshWorker(undefined);
    expect(requested).toEqual([(await findDefinition(NAME))!.id]);
    // the refresh's head check over SSH (ls-remote) sees the branch head
    expect((await getBranchHead(NAME)).head).toBe(commits[1]);
  });

  it("a rotated server key fails with SSH_HOST_KEY_MISMATCH (old and new fingerprints), resources untouched, until re-trusted", async () => {
    const before = JSON.stringify((await listResources({ kind: "Widget" })).items);
    const oldKey = sshd.hostKey;
    const newKey = await sshd.rotateHostKey();
    commits.push(commitFiles(work, { "resources/b.json": widget("p", "b", { replicas: 9 }) }, "scale b"));
    git(work, ["push", "-q", bare, "main"]);
    const run = await syncNow(NAME, admin, { revision: "main" });
    expect(run.phase).toBe("Failed");
    expect(run.error).toMatch(/SSH_HOST_KEY_MISMATCH/);
    expect(run.error).toContain(fp(oldKey));
    expect(run.error).toContain(fp(newKey));
    expect(JSON.stringify((await listResources({ kind: "Widget" })).items)).toBe(before);
    // re-trust: remove the old key, trust the new one
    for (const k of await listKnownHosts()) await removeKnownHost(k.id, admin);
    await addKnownHost({ host: sshd.host, port: sshd.port, key: newKey }, admin);
    const again = await syncNow(NAME, admin, { revision: "main" });
    expect(again.phase, again.error ?? "").toBe("Succeeded");
    expect((await listResources({ kind: "Widget" })).items.find((r) => r.metadata.name === "b")?.spec).toEqual({ replicas: 9 });
  });

  it("no private key line, passphrase, client public key or client fingerprint in the store, the runs, the audit or the data dir", async () => {
    const runs = await dumpStore();
    const needles = [
      ...key.privateKey.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----")),
      "deploy key passphrase",
      key.publicKey.split(" ")[1]!,
      fp(key.publicKey),
    ];
    for (const n of needles) {
      expect(runs.includes(n), n.slice(0, 12)).toBe(false);
      expect(filesContaining(store.dataDir, n)).toEqual([]);
    }
  });
});
