/**
 * Compare's fetch of a commit the store does not hold yet (issue 16), against a real Git server
 * over smart HTTP on 127.0.0.1: a commit that is on the remote only is fetched and compared; when
 * the remote accepts upload-pack and never answers, the compare ends within the configured Git
 * timeout with an error naming the commit and the reason, and leaves nothing half-written in the
 * object store (the same compare works once the remote answers again).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles, git } from "@/test/support/git-repo";
import { definitionBody } from "@/test/support/definition-body";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { createUser } from "@/lib/server/services/users";
import { addDefinition } from "@/lib/server/services/definitions";
import { startSync } from "@/lib/server/services/sync";
import { compareHistory } from "@/lib/server/services/history";
import { AppError } from "@/lib/server/errors";
import type { CompareView } from "@/lib/api/history";

const NAME = "fetched.example.io";
const IDLE_S = 2;
const TOTAL_S = 5;
const app = (name: string, replicas: number) => JSON.stringify({ kind: "App", metadata: { name, namespace: "prod" }, spec: { replicas } });
const actions = (v: CompareView) => Object.fromEntries(v.changes.map((c) => [c.name, c.action]));

/** every file under the store's objects/ and its shallow file, with sizes */
function storeFiles(dataDir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\/objects\/|\/shallow$|\/refs\//.test(p)) out[path.relative(dataDir, p)] = fs.statSync(p).size;
    }
  };
  walk(path.join(dataDir, "git"));
  return out;
}

describe("compare fetches a missing commit, with a timeout", () => {
  let store: TestStore;
  let fx: GitFixture;
  let repo: { dir: string; url: string };
  let first = "";

  beforeAll(async () => {
    process.env.SYNCLINE_GIT_IDLE_TIMEOUT_S = String(IDLE_S);
    process.env.SYNCLINE_GIT_TIMEOUT_S = String(TOTAL_S);
    store = await openTestStore();
    fx = await startGitFixture();
    repo = fx.repo("apps");
    first = commitFiles(repo.dir, { "resources/a.yaml": app("a", 1) }, "first");
    const u = await createUser({ username: "admin", password: "correct horse", role: "admin" });
    const admin = { via: "session" as const, userId: u.id, username: "admin", role: "admin" as const };
    await addDefinition(
      definitionBody({
        name: NAME,
        kind: "App",
        repoURL: repo.url,
        schema: { type: "object", required: ["replicas"], properties: { replicas: { type: "integer" } } },
      }),
      admin,
    );
    const { done } = await startSync({ definition: NAME, trigger: "api", who: admin });
    expect((await done).phase).toBe("Succeeded");
  });

  afterAll(async () => {
    delete process.env.SYNCLINE_GIT_IDLE_TIMEOUT_S;
    delete process.env.SYNCLINE_GIT_TIMEOUT_S;
    await fx?.close();
    await store?.close();
  });

  it("a commit on the remote but not in the store is fetched, then compared", async () => {
    const second = commitFiles(repo.dir, { "resources/b.yaml": app("b", 2) }, "add b");
    fx.server.resetCounters();
    const v = await compareHistory(NAME, { from: first, to: second, fetchMissing: true });
    // it was fetched: a pack came over upload-pack
    expect(fx.server.bytesSent).toBeGreaterThan(0);
    expect(v.to.commit).toBe(second);
    expect(actions(v)).toEqual({ a: "unchanged", b: "create" });
  });

  it("a remote that never answers upload-pack: a clear error within the timeout, nothing half-written, a later compare works", async () => {
    // on another branch: the store's branch is current, so only the commit itself needs a fetch
    // (a want by SHA, then deepening: the path that must stop at the first timeout)
    git(repo.dir, ["checkout", "-q", "-b", "side"]);
    const third = commitFiles(repo.dir, { "resources/c.yaml": app("c", 3) }, "add c");
    git(repo.dir, ["checkout", "-q", "main"]);
    await compareHistory(NAME, { from: first, to: "main", fetchMissing: true });
    const before = storeFiles(store.dataDir);
    fx.server.stall = (req) => req.method === "POST" && (req.url ?? "").includes("git-upload-pack");
    const t0 = Date.now();
    const err = await compareHistory(NAME, { from: first, to: third, fetchMissing: true }).then(
      () => null,
      (e: unknown) => e,
    );
    const seconds = (Date.now() - t0) / 1000;
    fx.server.stall = null;
    expect(fx.server.stalled).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    // a source error the caller can act on, not a 500 with a stack
    expect(e.status).toBe(422);
    expect(e.message).toContain(third.slice(0, 12));
    expect(e.message).toMatch(/timed out/);
    expect(e.message).toMatch(new RegExp(`idle timeout of ${IDLE_S} s`));
    expect(e.message).not.toMatch(/\n\s+at /);
    // within the configured timeout: one stalled request gives up after the idle timeout, and the
    // operation does not go on to stall on the next request
    expect(seconds).toBeLessThan(TOTAL_S);
    expect(fx.server.stalled).toBe(1);
    // nothing half-written: the store holds exactly what it held before (no pack without its
    // index, no temp file, the shallow file as it was)
    expect(storeFiles(store.dataDir)).toEqual(before);

    const v = await compareHistory(NAME, { from: first, to: third, fetchMissing: true });
    expect(v.to.commit).toBe(third);
    expect(actions(v)).toEqual({ a: "unchanged", b: "create", c: "create" });
  });
});
