/**
 * Hardening — local repository paths (issue 19, "Also"): a repoURL that is an absolute path or
 * file:// reads the server's own disk. Off by default; an admin turns it on with
 * SYNCLINE_ALLOW_LOCAL_REPOS=1; the demo (SYNCLINE_DEMO=1) allows its own repository only.
 * Refused when a definition is saved (400 naming spec.gitops.repoURL) and again at fetch.
 */
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createRepo, makeTempDir } from "@/test/support/git-repo";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { resetEnvForTests } from "@/lib/env";
import { setGitClientForTests } from "@/lib/server/services/git-source";
import { demoRepoDir } from "@/lib/server/services/local-repos";
import { updateDefinition } from "@/lib/server/data/definitions";
import { AppError } from "@/lib/server/errors";
import type { Principal } from "@/lib/server/auth/principal";
import { defineWidgets, makeAdmin, syncNow, widget } from "./support";

function setEnv(vars: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvForTests();
  // the app's Git client is built from the environment: rebuild it
  setGitClientForTests(undefined);
}

async function refusalOf(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe("hardening: local repository paths", () => {
  let store: TestStore;
  let admin: Principal;
  let dir: string;

  beforeAll(async () => {
    store = await openTestStore();
    admin = await makeAdmin();
    dir = createRepo(path.join(makeTempDir("syncline-local-"), "repo"));
    commitFiles(dir, { "resources/a.json": widget("p", "a", { replicas: 1 }, "Local") }, "one");
  });

  afterEach(() => setEnv({ SYNCLINE_ALLOW_LOCAL_REPOS: undefined, SYNCLINE_DEMO: "0" }));

  afterAll(async () => {
    setGitClientForTests(undefined);
    await store?.close();
  });

  it("by default, an absolute path and a file:// URL are refused when the definition is saved: 400 naming spec.gitops.repoURL and the setting", async () => {
    for (const repoURL of [dir, `file://${dir}`, "/etc", "file:///etc"]) {
      const err = await refusalOf(defineWidgets({ name: "local.example.io", kind: "Local", repoURL }, admin));
      expect(err.status, repoURL).toBe(400);
      expect(err.message, repoURL).toMatch(
        /spec\.gitops\.repoURL: local repository paths are disabled on this server \(an admin enables them with SYNCLINE_ALLOW_LOCAL_REPOS=1\)/,
      );
      expect(err.details, repoURL).toEqual([{ path: "spec.gitops.repoURL", message: expect.stringMatching(/SYNCLINE_ALLOW_LOCAL_REPOS=1/) }]);
    }
  });

  it("with SYNCLINE_ALLOW_LOCAL_REPOS=1 (the admin's choice) a local path saves and syncs; once the setting is off again, the same definition is refused at fetch", async () => {
    setEnv({ SYNCLINE_ALLOW_LOCAL_REPOS: "1" });
    await defineWidgets({ name: "allowed.example.io", kind: "Allowed", repoURL: `file://${dir}` }, admin);
    // the repo's file is kind Local; this definition syncs kind Allowed: zero resources, but the fetch ran
    expect((await syncNow("allowed.example.io", admin)).phase).toBe("Succeeded");
    setEnv({ SYNCLINE_ALLOW_LOCAL_REPOS: "0" });
    const run = await syncNow("allowed.example.io", admin);
    expect(run.phase).toBe("Failed");
    expect(run.error).toMatch(
      /repository URL refused: local repository paths are disabled on this server \(an admin enables them with SYNCLINE_ALLOW_LOCAL_REPOS=1\)/,
    );
  });

  it("a local path written to the store behind the service's back is still refused at fetch", async () => {
    const view = await defineWidgets({ name: "forced.example.io", kind: "Forced", repoURL: "https://git.example.invalid/x.git" }, admin);
    await updateDefinition("forced.example.io", {
      metadata: { name: "forced.example.io" },
      spec: { ...view.spec, gitops: { ...view.spec.gitops!, repoURL: dir } },
    } as never);
    const run = await syncNow("forced.example.io", admin);
    expect(run.phase).toBe("Failed");
    expect(run.error).toMatch(/local repository paths are disabled on this server/);
  });

  it("with the demo on, the demo's own repository is allowed and any other local path is not", async () => {
    setEnv({ SYNCLINE_DEMO: "1" });
    const demo = createRepo(demoRepoDir(store.dataDir));
    commitFiles(demo, { "resources/d.json": widget("p", "d", { replicas: 2 }, "Demo") }, "demo");
    await defineWidgets({ name: "demo.example.io", kind: "Demo", repoURL: demo }, admin);
    expect((await syncNow("demo.example.io", admin)).phase).toBe("Succeeded");
    for (const repoURL of [dir, `${demo}/../../etc`.replace("/../../etc", "-sibling"), `file://${path.dirname(demo)}`]) {
      const err = await refusalOf(defineWidgets({ name: "other.example.io", kind: "Other", repoURL }, admin));
      expect(err.message, repoURL).toMatch(/spec\.gitops\.repoURL: local repository paths are disabled/);
    }
  });
});
