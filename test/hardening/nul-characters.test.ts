/**
 * Hardening — M3 of issue 19: one U+0000 must not stop a definition. JSON "\u0000" and YAML
 * "\0" parse fine, and PostgreSQL's jsonb then refused the write, rolling the whole run back,
 * every retry. Through a full sync on the embedded store: the good files apply, each bad
 * document is a file problem naming the path.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles } from "@/test/support/git-repo";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { listResources } from "@/lib/server/services/resources";
import type { Principal } from "@/lib/server/auth/principal";
import { defineWidgets, logOf, makeAdmin, syncNow } from "./support";

describe("hardening: U+0000 in Git files (embedded store)", () => {
  let store: TestStore;
  let fx: GitFixture;
  let admin: Principal;

  beforeAll(async () => {
    store = await openTestStore();
    fx = await startGitFixture();
    admin = await makeAdmin();
  });
  afterAll(async () => {
    await fx?.close();
    await store?.close();
  });

  it("a JSON \\u0000 value, a YAML \\0 value and a NUL key are per-file problems naming the path; the good files sync and the run succeeds", async () => {
    const repo = fx.repo("nul");
    const widget = (name: string, spec: Record<string, unknown>) => JSON.stringify({ kind: "Widget", metadata: { name, namespace: "p" }, spec });
    commitFiles(
      repo.dir,
      {
        "resources/good.json": widget("good", { replicas: 1 }),
        "resources/bad.json": widget("bad-json", { replicas: 1, note: "a\u0000b" }),
        "resources/bad-key.json": widget("bad-key", { replicas: 1, labels: { ["k\u0000"]: "v" } }),
        "resources/multi.yaml":
          'kind: Widget\nmetadata: {name: good-yaml, namespace: p}\nspec: {replicas: 2}\n---\nkind: Widget\nmetadata: {name: bad-yaml, namespace: p}\nspec:\n  replicas: 3\n  note: "x\\0y"\n',
        "resources/list.json": JSON.stringify(
          {
            kind: "List",
            items: [
              { kind: "Widget", metadata: { name: "list-good", namespace: "p" }, spec: { replicas: 4 } },
              { kind: "Widget", metadata: { name: "list-bad", namespace: "p" }, spec: { items: ["ok", "n\u0000"] } },
            ],
          },
          null,
          2,
        ),
      },
      "nul characters",
    );
    await defineWidgets({ name: "widgets.nul.io", kind: "Widget", repoURL: repo.url, schema: { type: "object" } }, admin);
    const run = await syncNow("widgets.nul.io", admin);
    const log = logOf(run);
    expect(run.phase, log).toBe("Succeeded");
    const names = (await listResources({ kind: "Widget", limit: 100 })).items.map((r) => r.metadata.name).sort();
    expect(names).toEqual(["good", "good-yaml", "list-good"]);
    const problem = (file: string) => log.split("\n").find((l) => l.includes(`file problem: resources/${file}:`)) ?? "";
    expect(problem("bad.json")).toMatch(/resources\/bad\.json:1:1: spec\.note contains U\+0000 \(NUL\)/);
    expect(problem("bad-key.json")).toMatch(/spec\.labels\."k\\u0000" contains U\+0000/);
    expect(problem("multi.yaml")).toMatch(/resources\/multi\.yaml:5:\d+: spec\.note contains U\+0000/);
    expect(problem("list.json")).toMatch(/items\.1: spec\.items\.1 contains U\+0000/);
    // and the next run is not stuck either
    expect((await syncNow("widgets.nul.io", admin)).phase).toBe("Succeeded");
  }, 120_000);
});
