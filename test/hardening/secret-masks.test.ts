/**
 * Hardening — L4 of issue 19: secret masks were a guessing oracle. The mask was a keyed
 * fingerprint of the value alone, so a value an attacker can place (their own resource, a
 * field they control) that masked like a secret elsewhere revealed that secret. Masks are now
 * salted with the definition, the resource and the path: equal values in two resources or two
 * paths mask differently, and the same resource/path/value masks the same between runs (an
 * unchanged secret stays out of the diff). Through a real sync on the embedded store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { getResourceView, listResources } from "@/lib/server/services/resources";
import { getRunWithChanges } from "@/lib/server/services/runs";
import { computeDiff } from "@/lib/server/services/sync";
import { fingerprint } from "@/lib/server/crypto/secret-box";
import type { Principal } from "@/lib/server/auth/principal";
import { defineWidgets, logOf, makeAdmin, syncNow, widget } from "./support";

const SECRET = "same-secret-value";
const NAME = "widgets.masks.io";

describe("hardening: secret masks are salted per resource and path (embedded store)", () => {
  let store: TestStore;
  let fx: GitFixture;
  let admin: Principal;
  let repo: { dir: string; url: string };

  beforeAll(async () => {
    store = await openTestStore();
    fx = await startGitFixture();
    admin = await makeAdmin();
    repo = fx.repo("masks");
    const spec = (replicas: number) => ({ replicas, password: SECRET, backup: { password: SECRET } });
    commitFiles(repo.dir, { "resources/a.json": widget("p", "a", spec(1)), "resources/b.json": widget("p", "b", spec(1)) }, "two resources, one secret");
    await defineWidgets({ name: NAME, kind: "Widget", repoURL: repo.url, schema: { type: "object" }, secretPaths: ["/password", "/backup/password"] }, admin);
  });
  afterAll(async () => {
    await fx?.close();
    await store?.close();
  });

  const masksOf = async () => {
    const out: Record<string, string> = {};
    for (const name of ["a", "b"]) {
      const spec = (await getResourceView({ kind: "Widget", namespace: "p", name })).spec as { password: string; backup: { password: string } };
      out[`${name}/password`] = spec.password;
      out[`${name}/backup/password`] = spec.backup.password;
    }
    return out;
  };

  it("one value in two resources and two paths gives four different masks, stable between runs, none the unsalted fingerprint", async () => {
    const run = await syncNow(NAME, admin);
    expect(run.phase, logOf(run)).toBe("Succeeded");
    const masks = await masksOf();
    for (const m of Object.values(masks)) expect(m).toMatch(/^<secret:[0-9a-f]{8}>$/);
    expect(new Set(Object.values(masks)).size).toBe(4);
    // the old oracle: the keyed fingerprint of the value alone
    const unsalted = `<secret:${fingerprint(JSON.stringify(SECRET)).slice(0, 8)}>`;
    expect(Object.values(masks)).not.toContain(unsalted);
    expect(JSON.stringify(await listResources({ kind: "Widget" }))).not.toContain(unsalted);

    // the run record, the diff and the API show the same mask for the same place
    const created = (await getRunWithChanges(run.id)).changes.find((c) => c.name === "a");
    expect(created?.desiredYaml).toContain(masks["a/password"]);
    expect(created?.desiredYaml).toContain(masks["a/backup/password"]);
    expect(JSON.stringify(await getRunWithChanges(run.id))).not.toContain(SECRET);

    // same resource, path and value: the same mask again (a second read, a new commit)
    expect(await masksOf()).toEqual(masks);
    const spec2 = { replicas: 2, password: SECRET, backup: { password: SECRET } };
    commitFiles(repo.dir, { "resources/a.json": widget("p", "a", spec2) }, "scale a; secrets unchanged");
    const diff = await computeDiff(NAME);
    const a = diff.changes.find((c) => c.name === "a");
    expect(a?.action).toBe("update");
    // an unchanged secret is not part of the diff, and both sides show the same mask
    expect(a?.diff).toEqual([{ path: "/spec/replicas", op: "modified", old: 1, new: 2 }]);
    expect(a?.liveYaml).toContain(masks["a/password"]);
    expect(a?.desiredYaml).toContain(masks["a/password"]);
    const second = await syncNow(NAME, admin);
    expect(second.phase, logOf(second)).toBe("Succeeded");
    expect(await masksOf()).toEqual(masks);
  }, 120_000);
});
