/**
 * Hardening — issue 13: SOPS-encrypted values in Git. A definition with
 * spec.gitops.decryption syncs encrypted and plain documents side by side; each bad document
 * (wrong key, pgp only, forged value, unreadable key) fails alone; no decrypted value appears in
 * any API answer, run record, log, diff, audit entry or a pg_dump of the store; only executor
 * principals reveal, audited; a re-encryption of the same cleartext is unchanged; key rotation
 * is picked up at the next sync. Real Git over HTTP, real PostgreSQL (pg_dump).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { definitionBody } from "@/test/support/definition-body";
import { encryptSopsDocument, newAgeIdentity, sopsYaml } from "@/test/support/sops";
import { addDefinition } from "@/lib/server/services/definitions";
import { putSecret } from "@/lib/server/services/secrets";
import { getResourceView, listResources, revealResource } from "@/lib/server/services/resources";
import { getRunWithChanges } from "@/lib/server/services/runs";
import { computeDiff } from "@/lib/server/services/sync";
import { listAuditEvents } from "@/lib/server/services/audit-log";
import { AppError } from "@/lib/server/errors";
import type { Principal } from "@/lib/server/auth/principal";
import { addChannel } from "@/lib/server/services/notifications";
import { notify } from "@/lib/server/notifications/notify";
import { dumpStore, logOf, makeAdmin, pgDump, syncNow } from "./support";

process.env.TEST_DATABASE_URL ??= "postgres://postgres@127.0.0.1:5432/test";

const NAME = "vaults.sops.io";
const PASSWORD = "Zq7-pa55word-Kx91";
const TOKEN = "tok-5f3c9e1a7b";
const NEW_PASSWORD = "Wm4-rotated-Pp22";
const CLEARTEXTS = [PASSWORD, TOKEN, NEW_PASSWORD, "exposed-1", "hidden-1", "never-readable-1", "forged-value-77"];
const schema = { type: "object", required: ["host"], properties: { host: { type: "string" }, port: { type: "integer" }, password: { type: "string" } } };

const vault = (name: string, spec: Record<string, unknown>) => ({ apiVersion: "sops.io/v1", kind: "Vault", metadata: { name, namespace: "p" }, spec });

describe("hardening: SOPS-encrypted documents (PostgreSQL)", () => {
  let store: TestStore;
  let fx: GitFixture;
  let admin: Principal;
  let repo: { dir: string; url: string };
  let key1: { identity: string; recipient: string };
  let key2: { identity: string; recipient: string };
  let stranger: { identity: string; recipient: string };
  const executor = (): Principal => ({ via: "token", userId: admin.userId, username: "admin", role: "executor", tokenId: "t-exec" });

  const encrypted = (name: string, spec: Record<string, unknown>, recipient = key1.recipient) =>
    encryptSopsDocument(vault(name, spec), { recipients: [recipient], encryptedRegex: "^(password|token)$" });

  /** every place a user could read a value back, as one text */
  const everything = async (runId?: string) => {
    const parts = [JSON.stringify(await listResources({ kind: "Vault" })), await dumpStore(), JSON.stringify(await computeDiff(NAME))];
    if (runId) parts.push(JSON.stringify(await getRunWithChanges(runId)));
    parts.push(JSON.stringify(await listAuditEvents({ limit: 500 })));
    parts.push(pgDump(store.databaseUrl!));
    return parts.join("\n");
  };

  beforeAll(async () => {
    store = await openTestStore({ postgres: true });
    fx = await startGitFixture();
    admin = await makeAdmin();
    repo = fx.repo("sops");
    [key1, key2, stranger] = await Promise.all([newAgeIdentity(), newAgeIdentity(), newAgeIdentity()]);
    const a = await encrypted("a", { host: "db.a", port: 5432, password: PASSWORD, token: TOKEN });
    const wrongKey = await encrypted("wrong-key", { host: "db.w", password: "never-readable-1" }, stranger.recipient);
    const forged = await encrypted("forged", { host: "db.f", password: "forged-value-77" });
    (forged.spec as Record<string, unknown>).host = "db.evil"; // a plain value changed after encryption
    // everything encrypted (no rule): readable with our key but refused; with another key not even its name is readable
    const exposed = await encryptSopsDocument(vault("exposed", { host: "db.e", password: "exposed-1" }), { recipients: [key1.recipient] });
    const hidden = await encryptSopsDocument(vault("hidden", { host: "db.h", password: "hidden-1" }), { recipients: [stranger.recipient] });
    commitFiles(
      repo.dir,
      {
        "resources/a.yaml": sopsYaml([a]),
        "resources/plain.json": JSON.stringify(vault("plain", { host: "db.plain", port: 1 })),
        "resources/mixed.yaml": sopsYaml([vault("beside", { host: "db.b" }), wrongKey]),
        "resources/forged.yaml": sopsYaml([forged]),
        "resources/hidden.yaml": sopsYaml([hidden]),
        "resources/exposed.yaml": sopsYaml([exposed]),
        "resources/sealed.json": JSON.stringify(await encrypted("sealed-json", { host: "db.j", password: TOKEN }), null, 2), // sops's JSON form
        "resources/pgp.yaml": (await import("../fixtures/sops/algorithms/pgp.yaml?raw")).default
          .replace("kind: Secret", "kind: Vault")
          .replace("name: pgp", "name: pgp\n  namespace: p"),
      },
      "encrypted and plain",
    );
  });
  afterAll(async () => {
    await fx?.close();
    await store?.close();
  });

  it("a sops-age secret is validated on save and never echoed", async () => {
    const bad = await putSecret({ name: "k", type: "sops-age", identities: "# mine\nAGE-SECRET-KEY-1QQQQ-NOT-A-KEY" }, admin).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(AppError);
    expect((bad as AppError).message).toContain("identities: line 2");
    expect(JSON.stringify(bad)).not.toContain("QQQQ");
    expect(await putSecret({ name: "sops-keys", type: "sops-age", identities: `# created by the test\n${key1.identity}\n` }, admin)).toEqual({
      name: "sops-keys",
      type: "sops-age",
    });
    await putSecret({ name: "git-cred", type: "git-token", token: "abcdefgh" }, admin);
  });

  it("spec.gitops.decryption is validated at save: the secret must exist and be sops-age", async () => {
    const body = (secret: string) => definitionBody({ name: NAME, kind: "Vault", repoURL: repo.url, schema, decryptionSecret: secret });
    for (const [secret, reason] of [
      ["missing", "does not exist"],
      ["git-cred", "not sops-age"],
    ] as const) {
      const err = await addDefinition(body(secret), admin).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(400);
      expect((err as AppError).message).toContain("spec.gitops.decryption.secretName");
      expect((err as AppError).message).toContain(reason);
    }
    const wrongProvider = { ...body("sops-keys") };
    (wrongProvider.spec.gitops as Record<string, unknown>).decryption = { provider: "vault", secretName: "sops-keys" };
    expect(((await addDefinition(wrongProvider, admin).catch((e: unknown) => e)) as AppError).message).toContain("spec.gitops.decryption.provider");
    await addDefinition(body("sops-keys"), admin);
  });

  let firstRun = "";
  it("syncs encrypted and plain documents side by side; each bad document fails alone", async () => {
    const run = await syncNow(NAME, admin);
    firstRun = run.id;
    expect(run.phase, logOf(run)).toBe("Succeeded");
    expect(logOf(run)).toMatch(/decrypted \d+ SOPS documents \(\d+ failed\)/);
    const detail = await getRunWithChanges(run.id);
    const byName = new Map(detail.changes.map((c) => [c.name, c]));
    expect(byName.get("a")?.action).toBe("create");
    expect(byName.get("plain")?.action).toBe("create");
    expect(byName.get("beside")?.action).toBe("create");
    expect(byName.get("sealed-json")?.action).toBe("create");
    expect(byName.get("wrong-key")?.action).toBe("invalid");
    expect(byName.get("wrong-key")?.error).toMatch(/mixed\.yaml:\d+: SOPS_NO_MATCHING_KEY/);
    expect(byName.get("forged")?.action).toBe("invalid");
    expect(byName.get("forged")?.error).toContain("SOPS_MAC_MISMATCH");
    expect(byName.get("pgp")?.error).toContain("provider pgp is not supported; add an age recipient");
    // metadata encrypted too: the key is unreadable, so it is a problem of its file, and prune is withheld
    const diff = await computeDiff(NAME);
    const problems = JSON.stringify(diff.fileProblems);
    expect(problems).toContain("hidden.yaml");
    expect(problems).toContain("document not decrypted: SOPS_NO_MATCHING_KEY");
    expect(byName.get("exposed")?.error).toContain("only values under spec may be encrypted");
    expect(diff.counts.invalid).toBe(4);
    const a = await getResourceView({ kind: "Vault", namespace: "p", name: "a" });
    const spec = a.spec as Record<string, unknown>;
    expect(spec.host).toBe("db.a");
    expect(spec.port).toBe(5432);
    expect(spec.password).toMatch(/^<secret:[0-9a-f]{8}>$/);
    expect(spec.token).toMatch(/^<secret:[0-9a-f]{8}>$/);
    expect(a.status.sopsPaths).toEqual(["/password", "/token"]);
    const json = await getResourceView({ kind: "Vault", namespace: "p", name: "sealed-json" });
    expect(json.spec).toEqual({ host: "db.j", password: expect.stringMatching(/^<secret:[0-9a-f]{8}>$/) });
    expect(await everything(run.id)).not.toMatch(new RegExp(CLEARTEXTS.join("|")));
    const all = await everything(run.id);
    expect(all).not.toContain("never-readable-1");
    const m = /"sops"\s*:|sops:\n|"lastmodified"|lastmodified:/.exec(all);
    expect(m ? `${m[0]} in …${all.slice(m.index - 200, m.index + 50)}` : "").toBe(""); // the sops block never reaches the store, the diff or the plan
  });

  it("reveal: only executor principals get the cleartext, and every reveal is audited", async () => {
    const key = { kind: "Vault", namespace: "p", name: "a" };
    for (const role of ["viewer", "operator", "admin"] as const) {
      const err = await revealResource(key, { ...admin, role }).catch((e: unknown) => e);
      expect((err as AppError).status, role).toBe(403);
    }
    const shown = await revealResource(key, executor());
    expect(shown.spec).toEqual({ host: "db.a", port: 5432, password: PASSWORD, token: TOKEN });
    const events = (await listAuditEvents({ limit: 100 })).items.filter((e) => e.action === "resource.reveal");
    expect(events.filter((e) => e.result === "denied")).toHaveLength(3);
    expect(events.filter((e) => e.result === "ok")).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });

  it("a re-encryption of the same cleartext is unchanged; a changed value is an update showing masks only", async () => {
    commitFiles(
      repo.dir,
      { "resources/a.yaml": sopsYaml([await encrypted("a", { host: "db.a", port: 5432, password: PASSWORD, token: TOKEN })]) },
      "re-encrypted",
    );
    const generation = async () => (await getResourceView({ kind: "Vault", namespace: "p", name: "a" })).metadata.generation;
    const before = await generation();
    const same = await getRunWithChanges((await syncNow(NAME, admin)).id);
    expect(same.counts.update ?? 0).toBe(0);
    expect(same.changes.find((c) => c.name === "a")).toBeUndefined(); // unchanged resources are not recorded as changes
    expect(await generation()).toBe(before);
    commitFiles(
      repo.dir,
      { "resources/a.yaml": sopsYaml([await encrypted("a", { host: "db.a", port: 5432, password: NEW_PASSWORD, token: TOKEN })]) },
      "new password",
    );
    const run = await syncNow(NAME, admin);
    const changed = await getRunWithChanges(run.id);
    const c = changed.changes.find((x) => x.name === "a")!;
    expect(c.action).toBe("update");
    const diff = c.diff as { path: string; old?: unknown; new?: unknown }[];
    expect(diff).toHaveLength(1);
    expect(diff[0]!.path).toBe("/spec/password");
    expect(String(diff[0]!.old)).toMatch(/^<secret:[0-9a-f]{8}>$/);
    expect(String(diff[0]!.new)).toMatch(/^<secret:[0-9a-f]{8}>$/);
    expect(diff[0]!.old).not.toBe(diff[0]!.new);
    expect((diff[0] as { note?: string }).note).toBe(`changed (fingerprint ${String(diff[0]!.old).slice(8, 16)} → ${String(diff[0]!.new).slice(8, 16)})`);
    expect(await everything(run.id)).not.toMatch(new RegExp(CLEARTEXTS.join("|")));
    expect(((await revealResource({ kind: "Vault", namespace: "p", name: "a" }, executor())).spec as Record<string, unknown>).password).toBe(NEW_PASSWORD);
    expect(firstRun).not.toBe(run.id);
  });

  it("key rotation: a file re-encrypted to a new key fails alone until the secret holds it, then syncs unchanged", async () => {
    commitFiles(
      repo.dir,
      { "resources/a.yaml": sopsYaml([await encrypted("a", { host: "db.a", port: 5432, password: NEW_PASSWORD, token: TOKEN }, key2.recipient)]) },
      "rotated",
    );
    const failing = await getRunWithChanges((await syncNow(NAME, admin)).id);
    expect(failing.changes.find((c) => c.name === "a")?.error).toContain("SOPS_NO_MATCHING_KEY");
    expect((await getResourceView({ kind: "Vault", namespace: "p", name: "a" })).status.gitSync.syncError).toContain("SOPS_NO_MATCHING_KEY");
    expect(failing.changes.find((c) => c.name === "plain")).toBeUndefined();
    expect(failing.counts.invalid, JSON.stringify(failing.counts)).toBe(5);
    await putSecret({ name: "sops-keys", type: "sops-age", identities: key2.identity }, admin); // old key removed
    const rotated = await getRunWithChanges((await syncNow(NAME, admin)).id);
    // exposed.yaml (key1 only, metadata encrypted) is now a file problem; sealed.json (key1 only) fails alone
    expect(rotated.counts.invalid).toBe(4);
    expect(rotated.counts.update ?? 0).toBe(0);
    expect((await getResourceView({ kind: "Vault", namespace: "p", name: "a" })).status.gitSync.syncError).toBe("");
    expect(await everything()).not.toMatch(new RegExp(CLEARTEXTS.join("|")));
  });

  it("notifications of these runs (queued in the store) carry no decrypted value", async () => {
    await addChannel({ name: "ops", url: "https://hooks.example.com/sops", definition: null, events: ["run.failed", "sync.succeeded"] }, admin);
    const run = await syncNow(NAME, admin);
    const detail = await getRunWithChanges(run.id);
    const errors = detail.changes.map((c) => c.error ?? "").join("; ");
    expect(
      await notify({ event: "run.failed", definition: NAME, runId: run.id, phase: run.phase, error: errors, summary: "sync with failing documents" }),
    ).toBe(1);
    const all = await everything(run.id);
    expect(all).toContain("sync with failing documents");
    expect(all).not.toMatch(new RegExp(CLEARTEXTS.join("|")));
  });

  it("prune is withheld while a document cannot be decrypted (a file problem may hide resources)", async () => {
    commitFiles(repo.dir, { "resources/plain.json": null }, "plain leaves Git");
    const run = await syncNow(NAME, admin, { prune: true });
    expect(logOf(run)).toMatch(/prune withheld: 2 file problems/);
    expect((await listResources({ kind: "Vault" })).items.map((r) => r.metadata.name)).toContain("plain");
  });
});
