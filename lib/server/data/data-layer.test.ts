/**
 * The data layer on both stores: embedded PGlite always, and the real PostgreSQL server when
 * TEST_DATABASE_URL is set (CI sets it). Same schema, same migrations, same behaviour.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { createDefinition, deleteDefinition, findDefinition, getDefinitions, rowToDefinition, updateDefinition } from "./definitions";
import { createResourceRow, countResources, findResource, getDefinitionResourceHeads, getResourcesPage } from "./resources";
import { finishRun, findActiveRun, getRunChanges, insertActiveRun, interruptRuns, findRun } from "./runs";
import { findSecretRow, upsertSecretRow } from "./secrets";
import { getAuditEvents, recordAuditEvent } from "./audit";
import { isUniqueViolation } from "./errors";
import { encryptSecret, decryptSecret } from "@/lib/server/crypto/secret-box";
import type { Definition } from "@/lib/engine/types";
import { loadResourcePage, parseResourceQuery } from "@/lib/server/views/resources-page";

const stores: { name: string; postgres: boolean }[] = [{ name: "PGlite", postgres: false }];
if (process.env.TEST_DATABASE_URL) stores.push({ name: "PostgreSQL", postgres: true });

const def = (name: string, kind = "Widget"): Definition => ({
  metadata: { name },
  spec: {
    group: "example.io",
    version: "v1",
    names: { kind, plural: `${kind.toLowerCase()}s` },
    scope: "Namespaced",
    schema: { type: "object" },
    gitops: { repoURL: "https://git.example.com/r.git", branch: "main", path: "/", interval: 300 },
    syncPolicy: { automated: true, prune: false, selfHeal: true, atomic: false, allowEmpty: false },
  },
});

describe.each(stores)("data layer on $name", ({ postgres }) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore({ postgres });
  });
  afterAll(async () => {
    await store?.close();
  });

  it("stores definitions and maps them back to the seed shape", async () => {
    const row = await createDefinition(def("widgets.example.io"));
    expect(rowToDefinition(row)).toEqual({
      metadata: { name: "widgets.example.io" },
      spec: { ...def("widgets.example.io").spec, production: false, secretPaths: [] },
    });
    const changed = def("widgets.example.io");
    delete changed.spec.gitops;
    const updated = await updateDefinition("widgets.example.io", changed);
    expect(updated.generation).toBe(2);
    expect(updated.gitops).toBeNull();
    expect((await getDefinitions()).map((d) => d.name)).toContain("widgets.example.io");
  });

  it("rejects a duplicate definition name with a unique violation (P2002-equivalent)", async () => {
    await createDefinition(def("dupe.example.io", "Dupe"));
    const err = await createDefinition(def("dupe.example.io", "Dupe")).catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
  });

  it("keys resources by kind+namespace+name and pages with a cursor", async () => {
    const d = await createDefinition(def("pages.example.io", "Page"));
    for (let i = 0; i < 7; i++) {
      await createResourceRow({
        definitionId: d.id,
        kind: "Page",
        namespace: "ns",
        name: `r${i}`,
        labels: { i: String(i % 2) },
        annotations: {},
        spec: { i },
        liveSpecHash: `h${i}`,
      });
    }
    const dup = await createResourceRow({
      definitionId: d.id,
      kind: "Page",
      namespace: "ns",
      name: "r0",
      labels: {},
      annotations: {},
      spec: {},
      liveSpecHash: "x",
    }).catch((e: unknown) => e);
    expect(isUniqueViolation(dup)).toBe(true);
    // the same name in another namespace is another resource
    await createResourceRow({ definitionId: d.id, kind: "Page", namespace: "other", name: "r0", labels: {}, annotations: {}, spec: {}, liveSpecHash: "x" });
    const first = await getResourcesPage({ filter: { kind: "Page", namespace: "ns" }, limit: 4 });
    const second = await getResourcesPage({ filter: { kind: "Page", namespace: "ns" }, limit: 4, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((r) => r.name)).toEqual(["r0", "r1", "r2", "r3", "r4", "r5", "r6"]);
    expect(second.nextCursor).toBeNull();
    expect(await countResources({ kind: "Page", labels: [{ key: "i", op: "=", value: "1" }] })).toBe(3);
    expect(await countResources({ kind: "Page", labels: [{ key: "i", op: "notin", values: ["0", "1"] }] })).toBe(1); // "other/r0" has no label
    expect(await countResources({ kind: "Page", labels: [{ key: "i", op: "exists" }] })).toBe(7);
  });

  it("allows one active run per definition and interrupts runs of dead processes", async () => {
    const d = await createDefinition(def("runs.example.io", "Runner"));
    const base = { definitionId: d.id, trigger: "api" as const, initiator: "t", dryRun: false, prune: false, requestedRevision: null, owner: "p1" };
    const run = await insertActiveRun(base);
    expect(isUniqueViolation(await insertActiveRun(base).catch((e: unknown) => e))).toBe(true);
    expect((await findActiveRun(d.id))?.id).toBe(run.id);
    expect(await interruptRuns({ heartbeatBefore: new Date(Date.now() + 1000) })).toBeGreaterThanOrEqual(1);
    const after = await findRun(run.id);
    expect(after?.phase).toBe("Interrupted");
    expect(after?.activeKey).toBeNull();
    // the guard is free again
    await insertActiveRun(base);
  });

  it("applies a run all-or-nothing: a failing write rolls back resources and change records", async () => {
    const d = await createDefinition(def("atomic.example.io", "Atom"));
    await createResourceRow({
      definitionId: d.id,
      kind: "Atom",
      namespace: "ns",
      name: "exists",
      labels: {},
      annotations: {},
      spec: { v: 1 },
      liveSpecHash: "old",
    });
    const run = await insertActiveRun({ definitionId: d.id, trigger: "api", initiator: "t", dryRun: false, prune: false, requestedRevision: null, owner: "p" });
    const write = (name: string) => ({
      key: { kind: "Atom", namespace: "ns", name },
      labels: {},
      annotations: {},
      spec: { v: 2 },
      hash: "new",
      sourcePath: "a.yaml",
      sourceLine: 1,
    });
    const err = await finishRun(
      run.id,
      { phase: "Succeeded", log: [], startedAt: new Date() },
      [
        {
          key: { kind: "Atom", namespace: "ns", name: "fresh" },
          action: "create",
          diff: [],
          liveYaml: null,
          desiredYaml: "x",
          error: null,
          sourcePath: "a.yaml",
          sourceLine: 1,
        },
      ],
      {
        definitionId: d.id,
        commit: "c1",
        managedBy: "syncline",
        creates: [write("fresh"), write("exists")],
        updates: [],
        touches: [],
        untouched: 0,
        errors: [],
        deletes: [],
        orphans: [],
        generation: 1,
      },
    ).catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(await findResource({ kind: "Atom", namespace: "ns", name: "fresh" })).toBeNull();
    expect((await findResource({ kind: "Atom", namespace: "ns", name: "exists" }))?.spec).toEqual({ v: 1 });
    expect((await getRunChanges(run.id)).total).toBe(0);
    expect((await findRun(run.id))?.phase).toBe("Running");
    expect((await findDefinition("atomic.example.io"))?.syncedCommit).toBeNull();
  });

  it("applies every kind of write on the raw channel and reads heads as Prisma sees the rows", async () => {
    // multi-byte text: the bulk parameters are sent as UTF-8 bytes, so their length must be counted in bytes
    const WIDE = 'grüße – 🚀 日本 \\ "q"';
    const d = await createDefinition(def("writes.example.io", "Wr"));
    const mk = (name: string, extra: Partial<Parameters<typeof createResourceRow>[0]> = {}) =>
      createResourceRow({
        definitionId: d.id,
        kind: "Wr",
        namespace: "ns",
        name,
        labels: {},
        annotations: {},
        spec: { v: 1 },
        liveSpecHash: "h1",
        appliedSpecHash: "h1",
        managedBy: "syncline",
        ...extra,
      });
    const [upd, touch, bad, gone, orphan] = await Promise.all(["upd", "touch", "bad", "gone", "orphan"].map((n) => mk(n)));
    const run = await insertActiveRun({ definitionId: d.id, trigger: "api", initiator: "t", dryRun: false, prune: false, requestedRevision: null, owner: "p" });
    const startedAt = new Date(Date.now() - 1500);
    await finishRun(
      run.id,
      { phase: "Succeeded", log: ["a", "b"], startedAt, counts: { create: 1 }, total: 6, done: 6, resolvedCommit: "c2", commitMessage: "msg" },
      [
        {
          key: { kind: "Wr", namespace: "ns", name: "new" },
          action: "create",
          diff: [{ path: "/spec/v", op: "added", new: 2 }],
          liveYaml: null,
          desiredYaml: "{}",
          error: null,
          sourcePath: "a.yaml",
          sourceLine: 3,
        },
      ],
      {
        definitionId: d.id,
        commit: "c2",
        managedBy: "syncline",
        creates: [
          {
            key: { kind: "Wr", namespace: "ns", name: "new" },
            labels: { a: "1" },
            annotations: {},
            spec: { v: 2, note: WIDE },
            hash: "h2",
            sourcePath: "a.yaml",
            sourceLine: 3,
          },
        ],
        updates: [
          {
            id: upd!.id,
            key: { kind: "Wr", namespace: "ns", name: "upd" },
            labels: {},
            annotations: { n: "x" },
            spec: { v: 3 },
            hash: "h3",
            sourcePath: "b.yaml",
            sourceLine: 1,
            bumpGeneration: true,
          },
        ],
        touches: [touch!.id],
        untouched: 0,
        errors: [{ id: bad!.id, message: `b.yaml:2: spec/v must be integer, not ${WIDE}` }],
        deletes: [gone!.id],
        orphans: [orphan!.id],
        generation: 1,
      },
    );
    const byName = async (name: string) => findResource({ kind: "Wr", namespace: "ns", name });
    const created = await byName("new");
    expect(created).toMatchObject({
      spec: { v: 2, note: WIDE },
      labels: { a: "1" },
      generation: 1,
      lastCommitSHA: "c2",
      syncStatus: "Synced",
      liveSpecHash: "h2",
      appliedSpecHash: "h2",
      sourceLine: 3,
    });
    // a timestamp written on the raw channel reads back as the same instant through Prisma
    expect(Math.abs(created!.lastSyncTime!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(await byName("upd")).toMatchObject({ spec: { v: 3 }, annotations: { n: "x" }, generation: 2, lastCommitSHA: "c2", liveSpecHash: "h3" });
    expect(await byName("touch")).toMatchObject({ spec: { v: 1 }, generation: 1, lastCommitSHA: "c2", syncStatus: "Synced", syncError: null });
    expect(await byName("bad")).toMatchObject({
      spec: { v: 1 },
      syncStatus: "Error",
      syncError: `b.yaml:2: spec/v must be integer, not ${WIDE}`,
      lastCommitSHA: null,
    });
    expect(await byName("gone")).toBeNull();
    expect(await byName("orphan")).toMatchObject({ syncStatus: "Orphaned" });
    const ended = await findRun(run.id);
    expect(ended).toMatchObject({
      phase: "Succeeded",
      activeKey: null,
      log: ["a", "b"],
      counts: { create: 1 },
      total: 6,
      done: 6,
      resolvedCommit: "c2",
      commitMessage: "msg",
    });
    expect(ended!.durationMs).toBeGreaterThanOrEqual(1500);
    expect((await getRunChanges(run.id)).items).toMatchObject([
      { name: "new", action: "create", diff: [{ path: "/spec/v", op: "added", new: 2 }], sourceLine: 3 },
    ]);
    expect(await findDefinition("writes.example.io")).toMatchObject({ syncedCommit: "c2", syncedGeneration: 1, headCommit: "c2" });

    const heads = await getDefinitionResourceHeads(d.id);
    const rows = await Promise.all(["bad", "new", "orphan", "touch", "upd"].map(byName));
    expect(heads.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      rows.map((r) => ({
        id: r!.id,
        kind: r!.kind,
        namespace: r!.namespace,
        name: r!.name,
        generation: r!.generation,
        managedBy: r!.managedBy,
        lastCommitSHA: r!.lastCommitSHA,
        lastSyncTime: r!.lastSyncTime,
        syncError: r!.syncError,
        appliedSpecHash: r!.appliedSpecHash,
        liveSpecHash: r!.liveSpecHash,
        sourcePath: r!.sourcePath,
        syncStatus: r!.syncStatus,
        followsDefinition: r!.followsDefinition,
        spec: null,
        labels: null,
        annotations: null,
      })),
    );
  });

  it("moves the stamps of rows that follow the definition without writing them; a row that stops following keeps what it showed", async () => {
    const d = await createDefinition(def("stamps.example.io", "St"));
    const write = (name: string) => ({
      key: { kind: "St", namespace: "ns", name },
      labels: {},
      annotations: {},
      spec: { v: 1 },
      hash: "h",
      sourcePath: "a.yaml",
      sourceLine: 1,
    });
    const sync = async (commit: string, w: { creates?: string[]; touches?: string[]; untouched?: number; errors?: string[]; orphans?: string[] }) => {
      const run = await insertActiveRun({
        definitionId: d.id,
        trigger: "api",
        initiator: "t",
        dryRun: false,
        prune: false,
        requestedRevision: null,
        owner: "p",
      });
      await finishRun(run.id, { phase: "Succeeded", log: [], startedAt: new Date() }, [], {
        definitionId: d.id,
        commit,
        managedBy: "syncline",
        creates: (w.creates ?? []).map(write),
        updates: [],
        touches: w.touches ?? [],
        untouched: w.untouched ?? 0,
        errors: (w.errors ?? []).map((id) => ({ id, message: "a.yaml:1: bad" })),
        deletes: [],
        orphans: w.orphans ?? [],
        generation: 1,
      });
    };
    const byName = async (name: string) => (await findResource({ kind: "St", namespace: "ns", name }))!;
    // written by hand (through the API): it has its own stamps and does not follow
    await createResourceRow({ definitionId: d.id, kind: "St", namespace: "ns", name: "manual", labels: {}, annotations: {}, spec: {}, liveSpecHash: "m" });

    await sync("c1", { creates: ["kept", "breaks", "leaves"] });
    const at1 = (await byName("kept")).lastSyncTime!;
    expect(await byName("kept")).toMatchObject({ lastCommitSHA: "c1", followsDefinition: true });
    await new Promise((r) => setTimeout(r, 20));

    // c2: every row unchanged and following, nothing written; all three now show c2
    await sync("c2", { untouched: 3 });
    for (const name of ["kept", "breaks", "leaves"]) expect((await byName(name)).lastCommitSHA).toBe("c2");
    const at2 = (await byName("kept")).lastSyncTime!;
    expect(at2.getTime()).toBeGreaterThan(at1.getTime());
    expect((await getDefinitionResourceHeads(d.id)).find((h) => h.name === "kept")).toMatchObject({ lastCommitSHA: "c2", lastSyncTime: at2 });
    await new Promise((r) => setTimeout(r, 20));

    // c3: one turns invalid (keeps c2, the last commit it was synced at), one leaves Git (keeps c2 and its time)
    const [breaks, leaves] = [await byName("breaks"), await byName("leaves")];
    await sync("c3", { untouched: 1, errors: [breaks.id], orphans: [leaves.id] });
    expect(await byName("kept")).toMatchObject({ lastCommitSHA: "c3", followsDefinition: true });
    expect(await byName("breaks")).toMatchObject({ lastCommitSHA: "c2", syncStatus: "Error", followsDefinition: false });
    expect((await byName("breaks")).lastSyncTime!.getTime()).toBeGreaterThan(at2.getTime());
    expect(await byName("leaves")).toMatchObject({ lastCommitSHA: "c2", lastSyncTime: at2, syncStatus: "Orphaned", followsDefinition: false });
    expect(await byName("manual")).toMatchObject({ lastCommitSHA: null, lastSyncTime: null, followsDefinition: false });
    // the table's "last synced" sort orders by the stamps shown (breaks and kept were stamped by the same sync)
    const bySynced = async (dir: "asc" | "desc") => (await loadResourcePage(d.id, { ...parseResourceQuery({}), sort: "synced", dir })).rows.map((r) => r.name);
    expect(await bySynced("desc")).toEqual(["kept", "breaks", "leaves", "manual"]);
    expect(await bySynced("asc")).toEqual(["manual", "leaves", "breaks", "kept"]);

    // c4: the invalid one is valid (and unchanged) again: it is written once and follows again
    await sync("c4", { untouched: 1, touches: [breaks.id] });
    expect(await byName("breaks")).toMatchObject({ lastCommitSHA: "c4", syncStatus: "Synced", syncError: null, followsDefinition: true });
    expect(await byName("leaves")).toMatchObject({ lastCommitSHA: "c2", lastSyncTime: at2 });
  });

  it("keeps secrets encrypted at rest", async () => {
    await upsertSecretRow("git-creds", "git-token", encryptSecret(JSON.stringify({ token: "ghp_supersecretvalue" })));
    const row = await findSecretRow("git-creds");
    expect(row?.ciphertext).not.toContain("supersecret");
    expect(JSON.parse(decryptSecret(row!.ciphertext))).toEqual({ token: "ghp_supersecretvalue" });
  });

  it("records and filters audit events newest first", async () => {
    await recordAuditEvent({ actor: "alice", actorType: "user", action: "sync.start", target: "a", result: "ok" });
    await recordAuditEvent({ actor: "bob", actorType: "token", action: "sync.start", target: "b", result: "denied" });
    const page = await getAuditEvents({ action: "sync.start" });
    expect(page.items.map((e) => e.actor)).toEqual(["bob", "alice"]);
    expect((await getAuditEvents({ actor: "alice" })).items).toHaveLength(1);
  });

  it("deletes a definition with its resources", async () => {
    await createDefinition(def("gone.example.io", "Gone"));
    const d = await findDefinition("gone.example.io");
    await createResourceRow({ definitionId: d!.id, kind: "Gone", namespace: "ns", name: "x", labels: {}, annotations: {}, spec: {}, liveSpecHash: "h" });
    expect(await deleteDefinition("gone.example.io")).toBe(true);
    expect(await findResource({ kind: "Gone", namespace: "ns", name: "x" })).toBeNull();
  });
});
