/**
 * Hardening — repository and Git, end to end through the sync pipeline: a real Git server
 * (git http-backend on 127.0.0.1), a real embedded store, the services the API calls.
 * Every case states what must hold: a clear error naming the file or limit, nothing lost,
 * no partial state, no secret echoed.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startGitFixture, type GitFixture } from "@/test/support/git-fixture";
import { commitFiles, git, headSha, tag } from "@/test/support/git-repo";
import { openTestStore, type TestStore } from "@/test/support/test-store";
import { IsomorphicGitClient } from "@/lib/server/git/isomorphic-git-client";
import { DEFAULT_READ_LIMITS } from "@/lib/server/git/git-client";
import { setGitClientForTests } from "@/lib/server/services/git-source";
import { putSecret } from "@/lib/server/services/secrets";
import { listResources } from "@/lib/server/services/resources";
import { getRunWithChanges, listRuns } from "@/lib/server/services/runs";
import { getDefinitionView } from "@/lib/server/services/definitions";
import { computeDiff, startRollback } from "@/lib/server/services/sync";
import { findDefinition } from "@/lib/server/data/definitions";
import { getDb } from "@/lib/server/db";
import { logger } from "@/lib/server/logger";
import { AppError } from "@/lib/server/errors";
import type { Principal } from "@/lib/server/auth/principal";
import { defineWidgets, dumpStore, filesContaining, listFilesUnder, logOf, makeAdmin, syncNow, widget } from "./support";

describe("hardening: repository and Git", () => {
  let store: TestStore;
  let fx: GitFixture;
  let admin: Principal;
  let gitCache: string;

  // short network limits so the trickle / silent / firehose servers fail in seconds; a
  // resolver that maps harmless-looking names to cloud metadata addresses
  const hardenedClient = () =>
    new IsomorphicGitClient({
      cacheDir: gitCache,
      idleTimeoutMs: 1_500,
      totalTimeoutMs: 4_000,
      maxResponseBytes: 2 * 1024 * 1024,
      lookup: async (host) => (host === "metadata.hardening.test" ? ["169.254.169.254"] : host === "v6meta.hardening.test" ? ["fd00:ec2::254"] : ["127.0.0.1"]),
    });

  beforeAll(async () => {
    store = await openTestStore();
    fx = await startGitFixture();
    admin = await makeAdmin();
    gitCache = path.join(store.dataDir, "git");
    // short network limits so the trickle / silent / firehose servers fail in seconds; a
    // resolver that maps one harmless-looking name to the cloud metadata address
    setGitClientForTests(hardenedClient());
  });

  afterAll(async () => {
    setGitClientForTests(undefined);
    await fx?.close();
    await store?.close();
  });

  const resourcesOf = async (kind: string) =>
    (await listResources({ kind, limit: 1000 })).items.map((r) => ({ name: r.metadata.name, spec: r.spec })).sort((a, b) => a.name.localeCompare(b.name));

  const noLocksLeft = () => listFilesUnder(gitCache).filter((f) => f.endsWith(".lock"));

  describe("symlinks and paths", () => {
    it("symlinks under the synced path (absolute /etc/passwd, ../.. escape, symlinked dir, in-repo file) are skipped with a per-file error and never read", async () => {
      const repo = fx.repo("symlinks");
      commitFiles(
        repo.dir,
        {
          "resources/real.json": widget("prod", "real", { replicas: 1 }),
          "resources/passwd.yaml": { symlink: "/etc/passwd" },
          "resources/escape.yaml": { symlink: "../../../../../etc/hostname" },
          "resources/linkdir": { symlink: "../outside" },
          "resources/alias.json": { symlink: "real.json" },
          "outside/hidden.json": widget("prod", "hidden", { replicas: 7 }),
        },
        "symlinks",
      );
      await defineWidgets({ name: "links.example.io", kind: "Link", repoURL: repo.url }, admin);
      // the documents are Widgets of kind Link
      commitFiles(
        repo.dir,
        { "resources/real.json": widget("prod", "real", { replicas: 1 }, "Link"), "outside/hidden.json": widget("prod", "hidden", { replicas: 7 }, "Link") },
        "kind",
      );
      const run = await syncNow("links.example.io", admin);
      expect(run.phase).toBe("Succeeded");
      const log = logOf(run);
      for (const p of ["resources/passwd.yaml", "resources/escape.yaml", "resources/linkdir", "resources/alias.json"]) {
        expect(log).toContain(`file problem: ${p}: symlink skipped; target not read`);
      }
      // only the real file became a resource: the in-repo alias was not followed (it would be a duplicate),
      // the symlinked directory was not entered (hidden would appear)
      expect(await resourcesOf("Link")).toEqual([{ name: "real", spec: { replicas: 1 } }]);
      const etcPasswd = fs.existsSync("/etc/passwd") ? fs.readFileSync("/etc/passwd", "utf8").split("\n")[0]! : "root:x:0:0";
      expect(await dumpStore()).not.toContain(etcPasswd);
    });

    it("gitops.path ../x, a/../../b, ..%2f, %2e%2e, backslashes are refused when the definition is saved, naming the rule", async () => {
      const repo = fx.repo("paths-save");
      commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 1 }, "Pth") }, "init");
      const cases: Array<[string, RegExp]> = [
        ["../x", /'\.\.' segments/],
        ["a/../../b", /'\.\.' segments/],
        ["..%2fsecrets", /URL-encoded/],
        ["%2e%2e/x", /URL-encoded/],
        ["a\\..\\..\\b", /backslash/],
        ["/res\u0000ources", /control characters/],
      ];
      for (const [bad, rule] of cases) {
        const err = await defineWidgets({ name: "bad-path.example.io", kind: "Pth", repoURL: repo.url, path: bad }, admin).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, bad).toBeInstanceOf(AppError);
        expect((err as AppError).status).toBe(400);
        expect((err as AppError).message).toMatch(/spec\.gitops\.path/);
        expect((err as AppError).message).toMatch(rule);
      }
      expect(await findDefinition("bad-path.example.io")).toBeNull();
    });

    it("a bad gitops.path forced into the database is re-checked at sync: the run fails cleanly naming the rule, the store is untouched", async () => {
      const repo = fx.repo("paths-sync");
      commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 1 }, "Rechk"), "x/b.json": widget("p", "b", { replicas: 2 }, "Rechk") }, "init");
      const view = await defineWidgets({ name: "recheck.example.io", kind: "Rechk", repoURL: repo.url }, admin);
      expect((await syncNow("recheck.example.io", admin)).phase).toBe("Succeeded");
      const before = await resourcesOf("Rechk");
      const db = await getDb();
      for (const bad of ["../x", "a/../../x", "..%2fx", "resources\\..\\x"]) {
        await db.resourceDefinition.update({
          where: { name: "recheck.example.io" },
          data: { gitops: { ...view.spec.gitops!, path: bad }, generation: { increment: 1 } },
        });
        const run = await syncNow("recheck.example.io", admin, { prune: true });
        expect(run.phase, bad).toBe("Failed");
        expect(run.error, bad).toMatch(/gitops\.path/);
        expect(run.activeKey).toBeNull();
        expect(await resourcesOf("Rechk")).toEqual(before);
      }
    });

    it('gitops.path "/etc" is repo-relative: the repository\'s etc/ is synced and the host /etc is never opened', async () => {
      const repo = fx.repo("etc");
      commitFiles(repo.dir, { "etc/app.yaml": "kind: Etc\nmetadata: {name: app, namespace: sys}\nspec: {replicas: 3}\n" }, "etc");
      await defineWidgets({ name: "etc.example.io", kind: "Etc", repoURL: repo.url, path: "/etc" }, admin);
      const touched: string[] = [];
      let storeReads = 0;
      const watch = (p: unknown) => {
        const s = typeof p === "string" ? p : p instanceof URL ? p.pathname : Buffer.isBuffer(p) ? p.toString() : "";
        if (s === "/etc" || s.startsWith("/etc/")) touched.push(s);
        if (s.startsWith(gitCache)) storeReads++;
      };
      // watch every file the git layer opens, only while a git call runs (the store shares fs)
      const inner = new IsomorphicGitClient({ cacheDir: gitCache });
      const watched =
        <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
        async (...a: A): Promise<R> => {
          const wrap = <T extends object, K extends keyof T>(obj: T, key: K) => {
            const orig = (obj[key] as (...x: unknown[]) => unknown).bind(obj);
            return vi
              .spyOn(obj as unknown as Record<string, (...x: unknown[]) => unknown>, key as string)
              .mockImplementation((...x: unknown[]) => (watch(x[0]), orig(...x)));
          };
          const spies = [
            wrap(fs, "readFileSync"),
            wrap(fs, "openSync"),
            wrap(fs, "statSync"),
            wrap(fs, "lstatSync"),
            wrap(fs, "readdirSync"),
            wrap(fs.promises, "readFile"),
            wrap(fs.promises, "open"),
            wrap(fs.promises, "stat"),
            wrap(fs.promises, "lstat"),
            wrap(fs.promises, "readdir"),
          ];
          try {
            return await fn(...a);
          } finally {
            for (const s of spies) s.mockRestore();
          }
        };
      setGitClientForTests({
        resolveBranchHead: watched(inner.resolveBranchHead.bind(inner)),
        fetchRevision: watched(inner.fetchRevision.bind(inner)),
        listFiles: watched(inner.listFiles.bind(inner)),
        readBlobs: watched(inner.readBlobs.bind(inner)),
        pathFingerprint: watched(inner.pathFingerprint.bind(inner)),
        pathFingerprints: watched(inner.pathFingerprints.bind(inner)),
        commitInfo: watched(inner.commitInfo.bind(inner)),
        log: watched(inner.log.bind(inner)),
        pathTreeOids: watched(inner.pathTreeOids.bind(inner)),
      });
      try {
        const run = await syncNow("etc.example.io", admin);
        expect(run.error).toBeNull();
        expect(run.phase).toBe("Succeeded");
      } finally {
        setGitClientForTests(hardenedClient());
      }
      expect(storeReads).toBeGreaterThan(0); // the watch does see the git layer's file access
      expect(touched).toEqual([]);
      expect(await resourcesOf("Etc")).toEqual([{ name: "app", spec: { replicas: 3 } }]);
    });
  });

  describe("revisions that vanish", () => {
    let repo: { dir: string; url: string };
    const NAME = "revs.example.io";
    let good: string;

    beforeAll(async () => {
      repo = fx.repo("revs");
      commitFiles(
        repo.dir,
        { "resources/a.json": widget("p", "a", { replicas: 1 }, "Rev"), "resources/b.json": widget("p", "b", { replicas: 1 }, "Rev") },
        "one",
      );
      good = commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 2 }, "Rev") }, "two");
      git(repo.dir, ["branch", "feature"]);
      tag(repo.dir, "v1");
      await defineWidgets({ name: NAME, kind: "Rev", repoURL: repo.url, syncPolicy: { prune: true, allowEmpty: true } }, admin);
      expect((await syncNow(NAME, admin)).phase).toBe("Succeeded");
    });

    const snapshot = async () => ({
      resources: await resourcesOf("Rev"),
      synced: (await findDefinition(NAME))?.syncedCommit,
      pin: (await findDefinition(NAME))?.pinnedRevision,
    });

    it("the gitops path missing at a commit fails the run with a message naming the path; nothing is pruned or moved", async () => {
      const before = await snapshot();
      const gone = commitFiles(repo.dir, { resources: null, "docs/readme.md": "moved away" }, "remove the folder");
      const run = await syncNow(NAME, admin, { prune: true });
      expect(run.phase).toBe("Failed");
      expect(run.error).toMatch(/gitops path \/resources does not exist at commit/);
      expect(run.error).toContain(gone.slice(0, 7));
      expect(await snapshot()).toEqual(before);
      // restore for the next cases
      git(repo.dir, ["reset", "-q", "--hard", good]);
    });

    it("a deleted branch fails the run with 'branch … not found'; the store is untouched", async () => {
      const db = await getDb();
      const row = (await findDefinition(NAME))!;
      await db.resourceDefinition.update({ where: { id: row.id }, data: { gitops: { ...(row.gitops as object), branch: "feature" } } });
      expect((await syncNow(NAME, admin)).phase).toBe("Succeeded");
      const before = await snapshot();
      git(repo.dir, ["branch", "-D", "feature"]);
      const run = await syncNow(NAME, admin, { prune: true });
      expect(run.phase).toBe("Failed");
      expect(run.error).toMatch(/branch feature not found/);
      expect(await snapshot()).toEqual(before);
      await db.resourceDefinition.update({ where: { id: row.id }, data: { gitops: { ...(row.gitops as object), branch: "main" } } });
    });

    it("a force-push is followed to the new head; a commit rewritten away that was never fetched cannot be rolled back to", async () => {
      const lost = commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 99 }, "Rev") }, "soon rewritten");
      git(repo.dir, ["reset", "-q", "--hard", good]);
      const rewritten = commitFiles(repo.dir, { "resources/b.json": widget("p", "b", { replicas: 5 }, "Rev") }, "force-pushed");
      const run = await syncNow(NAME, admin);
      expect(run.phase).toBe("Succeeded");
      expect(run.resolvedCommit).toBe(rewritten);
      expect(await resourcesOf("Rev")).toEqual([
        { name: "a", spec: { replicas: 2 } },
        { name: "b", spec: { replicas: 5 } },
      ]);
      const before = await snapshot();
      const rb = await (await startRollback(NAME, { commit: lost }, admin)).done;
      expect(rb.phase).toBe("Failed");
      expect(rb.error).toMatch(new RegExp(`revision ${lost} not found`));
      expect(await snapshot()).toEqual(before);
    });

    it("a moved tag resolves to its new commit (never a stale copy); a deleted tag fails with 'revision … not found'", async () => {
      const first = await syncNow(NAME, admin, { revision: "v1", dryRun: true });
      expect(first.resolvedCommit).toBe(good);
      const moved = commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 3 }, "Rev") }, "three");
      git(repo.dir, ["tag", "-f", "v1", moved]);
      const again = await syncNow(NAME, admin, { revision: "v1", dryRun: true });
      expect(again.phase).toBe("Succeeded");
      expect(again.resolvedCommit).toBe(moved);
      const before = await snapshot();
      git(repo.dir, ["tag", "-d", "v1"]);
      const run = await syncNow(NAME, admin, { revision: "v1", prune: true });
      expect(run.phase).toBe("Failed");
      expect(run.error).toMatch(/revision v1 not found/);
      expect(await snapshot()).toEqual(before);
    });

    it("a revision that does not exist fails with 'revision … not found'; store, pin and synced commit untouched, nothing pruned", async () => {
      const before = await snapshot();
      for (const rev of ["0123456789abcdef0123456789abcdef01234567", "deadbee", "no-such-tag"]) {
        const run = await syncNow(NAME, admin, { revision: rev, prune: true });
        expect(run.phase, rev).toBe("Failed");
        expect(run.error, rev).toMatch(new RegExp(`revision ${rev} not found`));
      }
      expect(await snapshot()).toEqual(before);
      expect(headSha(repo.dir)).toBeTruthy();
    });
  });

  describe("limits", () => {
    afterEach(() => {
      DEFAULT_READ_LIMITS.maxFiles = 20_000;
      DEFAULT_READ_LIMITS.maxFileBytes = 1024 * 1024;
      DEFAULT_READ_LIMITS.maxTotalBytes = 64 * 1024 * 1024;
    });

    it("more files than maxFiles aborts the run naming the limit; the store keeps the previous state and no lock is left", async () => {
      const repo = fx.repo("many");
      const files: Record<string, string> = {};
      for (let i = 0; i < 30; i++) files[`resources/f${i}.json`] = widget("p", `f${i}`, { replicas: i }, "Many");
      commitFiles(repo.dir, files, "30 files");
      await defineWidgets({ name: "many.example.io", kind: "Many", repoURL: repo.url }, admin);
      DEFAULT_READ_LIMITS.maxFiles = 40;
      expect((await syncNow("many.example.io", admin)).phase).toBe("Succeeded");
      const before = await resourcesOf("Many");
      const more: Record<string, string> = {};
      for (let i = 30; i < 50; i++) more[`resources/f${i}.json`] = widget("p", `f${i}`, { replicas: i }, "Many");
      more["resources/f0.json"] = widget("p", "f0", { replicas: 1000 }, "Many");
      commitFiles(repo.dir, more, "50 files");
      const run = await syncNow("many.example.io", admin);
      expect(run.phase).toBe("Failed");
      expect(run.error).toMatch(/more than 40 files under \/resources \(maxFiles limit is 40\)/);
      expect(await resourcesOf("Many")).toEqual(before);
      expect(noLocksLeft()).toEqual([]);
      expect(run.activeKey).toBeNull();
    });

    it("one file over maxFileBytes (2 MiB against the 1 MiB default) is skipped without being read, naming the limit; the others sync", async () => {
      const repo = fx.repo("huge");
      const huge = `kind: Huge\nmetadata: {name: big, namespace: p}\nspec:\n  replicas: 1\n  blob: "${"x".repeat(2 * 1024 * 1024)}"\n`;
      commitFiles(repo.dir, { "resources/big.yaml": huge, "resources/small.json": widget("p", "small", { replicas: 1 }, "Huge") }, "huge");
      await defineWidgets({ name: "huge.example.io", kind: "Huge", repoURL: repo.url }, admin);
      const run = await syncNow("huge.example.io", admin);
      expect(run.phase).toBe("Succeeded");
      expect(logOf(run)).toMatch(/file problem: resources\/big\.yaml: file skipped: \d+ bytes \(2 MiB\) is over the maxFileBytes limit of 1048576 bytes/);
      expect(await resourcesOf("Huge")).toEqual([{ name: "small", spec: { replicas: 1 } }]);
    });

    it("total size over maxTotalBytes aborts the run naming the limit and the file where it was hit; nothing is written", async () => {
      const repo = fx.repo("total");
      const files: Record<string, string> = {};
      for (let i = 0; i < 6; i++) files[`resources/t${i}.json`] = widget("p", `t${i}`, { replicas: i, pad: "y".repeat(20_000) }, "Total");
      commitFiles(repo.dir, files, "6 x 20 KB");
      await defineWidgets({ name: "total.example.io", kind: "Total", repoURL: repo.url }, admin);
      DEFAULT_READ_LIMITS.maxTotalBytes = 100_000;
      const run = await syncNow("total.example.io", admin);
      expect(run.phase).toBe("Failed");
      expect(run.error).toMatch(/files under \/resources exceed the maxTotalBytes limit of 100000 bytes \(97\.7 KiB\) \(at resources\/t\d\.json\)/);
      expect(await resourcesOf("Total")).toEqual([]);
      expect(noLocksLeft()).toEqual([]);
    });

    /** A fake Git host: `mode` decides how it (mis)behaves. */
    async function hostileServer(mode: "trickle" | "silent" | "firehose" | "garbage" | "redirect-metadata" | "redirect-other-host") {
      const sockets = new Set<import("node:net").Socket>();
      const server = http.createServer((req, res) => {
        if (mode === "redirect-metadata") {
          res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
          return res.end();
        }
        if (mode === "redirect-other-host") {
          res.writeHead(301, { location: "http://127.0.0.2:9/repo.git/info/refs?service=git-upload-pack" });
          return res.end();
        }
        res.writeHead(200, { "content-type": "application/x-git-upload-pack-advertisement" });
        if (mode === "silent") return; // headers, then nothing, forever
        const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, "0")}${line}`;
        let n = 0;
        // firehose: a valid ref advertisement that never reaches its flush packet
        if (mode === "firehose") res.write(pkt("# service=git-upload-pack\n") + "0000" + pkt(`${"a".repeat(40)} HEAD\0side-band-64k\n`));
        const next = () =>
          mode === "firehose"
            ? Array.from({ length: 500 }, () => pkt(`${"b".repeat(40)} refs/heads/branch-${n++}\n`)).join("")
            : mode === "garbage"
              ? "A".repeat(64 * 1024)
              : "0";
        const t = setInterval(() => res.write(next()), mode === "trickle" ? 100 : 1);
        req.socket.on("close", () => clearInterval(t));
      });
      server.on("connection", (s) => {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const port = (server.address() as AddressInfo).port;
      return {
        url: `http://127.0.0.1:${port}/repo.git`,
        close: () => {
          for (const s of sockets) s.destroy();
          return new Promise<void>((r) => server.close(() => r()));
        },
      };
    }

    const hostileCases: Array<[string, "trickle" | "silent" | "firehose" | "garbage", RegExp]> = [
      ["a server that trickles one byte every 100 ms is cut at the total timeout, naming it", "trickle", /total timeout of 4 s exceeded/],
      ["a server that sends headers and then nothing is cut at the idle timeout, naming it", "silent", /idle timeout of 1500 ms exceeded/],
      [
        "a server answering endless garbage fails with a short error that does not echo its body",
        "garbage",
        /^git operation on http:\/\/127\.0\.0\.1:\d+\/repo\.git failed \([A-Za-z]+\): the server's answer is not valid Git protocol$/,
      ],
    ];
    for (const [title, mode, message] of hostileCases) {
      it(`${title}; the run fails, no lock or temp file is left, the next sync can start`, async () => {
        const srv = await hostileServer(mode);
        const name = `${mode}.example.io`;
        try {
          await defineWidgets({ name, kind: `H${mode}`, repoURL: srv.url }, admin);
          const t0 = Date.now();
          const run = await syncNow(name, admin);
          expect(run.phase).toBe("Failed");
          expect(run.error).toMatch(message);
          expect(run.error!.length).toBeLessThan(700);
          expect(logOf(run).length).toBeLessThan(5_000);
          expect(Date.now() - t0).toBeLessThan(15_000);
          expect(noLocksLeft()).toEqual([]);
          const store = new IsomorphicGitClient({ cacheDir: gitCache }).storeDir(srv.url);
          const leftovers = listFilesUnder(path.join(store, "objects")).filter((f) => !/^(info|pack)\/?$/.test(f));
          expect(leftovers).toEqual([]);
          // the run lock is released: another run starts (and fails the same way)
          expect((await syncNow(name, admin)).phase).toBe("Failed");
        } finally {
          await srv.close();
        }
      });
    }

    it("a response over maxResponseBytes (a 3 MiB incompressible pack against a 2 MiB cap) aborts the fetch naming the limit; no lock left, a later sync works", async () => {
      const repo = fx.repo("bigpack");
      commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 1 }, "Bigp"), "assets/blob.bin": crypto.randomBytes(3 * 1024 * 1024) }, "big");
      await defineWidgets({ name: "bigpack.example.io", kind: "Bigp", repoURL: repo.url }, admin);
      const run = await syncNow("bigpack.example.io", admin);
      expect(run.phase).toBe("Failed");
      expect(run.error).toMatch(/git response exceeds the size limit of 2 MiB \(maxResponseBytes\)/);
      expect(noLocksLeft()).toEqual([]);
      expect(await resourcesOf("Bigp")).toEqual([]);
      setGitClientForTests(new IsomorphicGitClient({ cacheDir: gitCache }));
      try {
        expect((await syncNow("bigpack.example.io", admin)).phase).toBe("Succeeded");
      } finally {
        setGitClientForTests(hardenedClient());
      }
      expect(await resourcesOf("Bigp")).toEqual([{ name: "a", spec: { replicas: 1 } }]);
    });

    it("redirects to a metadata address or to another host are refused with the reason", async () => {
      for (const [mode, message] of [
        ["redirect-metadata", /redirect from http:\/\/127\.0\.0\.1:\d+ to http:\/\/169\.254\.169\.254 refused/],
        ["redirect-other-host", /redirects to another host are not followed/],
      ] as const) {
        const srv = await hostileServer(mode);
        try {
          await defineWidgets({ name: `${mode}.example.io`, kind: mode === "redirect-metadata" ? "Rmeta" : "Rother", repoURL: srv.url }, admin);
          const run = await syncNow(`${mode}.example.io`, admin);
          expect(run.phase).toBe("Failed");
          expect(run.error).toMatch(message);
        } finally {
          await srv.close();
        }
      }
    });
  });

  describe("URL policy", () => {
    it("ext::, ssh://-oProxyCommand, git://, scp-like and javascript: repo URLs are refused when saved, with a reason", async () => {
      const cases: Array<[string, RegExp]> = [
        ["ext::sh -c touch% /tmp/pwned", /spaces or control characters|"ext" transport is not allowed/],
        ["ext::sh", /"ext" transport is not allowed/],
        ["ssh://-oProxyCommand=touch%20/tmp/pwned/x", /option injection/],
        ["git://example.com/repo.git", /"git" transport is not allowed/],
        ["git@-oProxyCommand=x:org/repo.git", /option injection/],
        ["javascript:alert(1)", /"javascript" transport is not allowed/],
        ["-uhttps://example.com/x", /must not start with '-'/],
      ];
      for (const [url, reason] of cases) {
        const err = await defineWidgets({ name: "bad-url.example.io", kind: "Burl", repoURL: url }, admin).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, url).toBeInstanceOf(AppError);
        expect((err as AppError).message, url).toMatch(reason);
      }
      expect(await findDefinition("bad-url.example.io")).toBeNull();
    });

    it("metadata addresses (169.254.169.254, [fd00:ec2::254], metadata.google.internal, a DNS name resolving to 169.254/16 or fd00:ec2::254) are refused at sync with the reason; loopback stays allowed", async () => {
      const cases: Array<[string, RegExp]> = [
        ["http://169.254.169.254/latest/meta-data", /169\.254\.169\.254 is a link-local \/ cloud metadata address/],
        ["http://[fd00:ec2::254]/repo.git", /fd00:ec2::254 is a link-local \/ cloud metadata address/],
        ["http://metadata.google.internal/computeMetadata/v1", /metadata\.google\.internal is a cloud metadata endpoint/],
        ["http://metadata.hardening.test/repo.git", /metadata\.hardening\.test resolves to 169\.254\.169\.254/],
        ["http://v6meta.hardening.test/repo.git", /v6meta\.hardening\.test resolves to fd00:ec2::254/],
      ];
      let i = 0;
      for (const [url, reason] of cases) {
        const name = `meta${i++}.example.io`;
        await defineWidgets({ name, kind: `Meta${i}`, repoURL: url }, admin);
        const run = await syncNow(name, admin);
        expect(run.phase, url).toBe("Failed");
        expect(run.error, url).toMatch(/repository URL .* refused/);
        expect(run.error, url).toMatch(reason);
      }
      // a self-hosted server on loopback (the fixture) keeps working by default: every other case here uses it
      const ok = fx.repo("loopback");
      commitFiles(ok.dir, { "resources/a.json": widget("p", "a", { replicas: 1 }, "Loop") }, "x");
      await defineWidgets({ name: "loop.example.io", kind: "Loop", repoURL: ok.url }, admin);
      expect((await syncNow("loop.example.io", admin)).phase).toBe("Succeeded");
    });

    it("the admin deny list refuses a host the default policy allows, naming denyHosts", async () => {
      const repo = fx.repo("denied");
      commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 1 }, "Deny") }, "x");
      setGitClientForTests(new IsomorphicGitClient({ cacheDir: gitCache, denyHosts: ["127.0.0.0/8"] }));
      try {
        await defineWidgets({ name: "deny.example.io", kind: "Deny", repoURL: repo.url }, admin);
        const run = await syncNow("deny.example.io", admin);
        expect(run.phase).toBe("Failed");
        expect(run.error).toMatch(/127\.0\.0\.1 is in denyHosts/);
      } finally {
        setGitClientForTests(hardenedClient());
      }
    });
  });

  describe("credentials", () => {
    const TOKEN = "tok-HARDENING-s3cr3t-9f8e7d";
    const WRONG = "wrong-HARDENING-token-1a2b3c";
    let authFx: GitFixture;

    beforeAll(async () => {
      authFx = await startGitFixture({ auth: { username: "bot", password: TOKEN } });
    });
    afterAll(async () => {
      await authFx?.close();
    });

    it("a token in a secret or in the URL never appears in errors, logs, API answers, run records or the on-disk git store", async () => {
      const lines: string[] = [];
      const spies = (["error", "warn", "info", "debug"] as const).map((lvl) =>
        vi.spyOn(logger, lvl).mockImplementation(((...args: unknown[]) => void lines.push(JSON.stringify(args))) as never),
      );
      try {
        const repo = authFx.repo("private");
        commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 1 }, "Cred") }, "private");
        await putSecret({ name: "git-wrong", type: "git-token", username: "bot", token: WRONG }, admin);
        await putSecret({ name: "git-right", type: "git-token", username: "bot", token: TOKEN }, admin);

        // the URL form is refused at save, without echoing the token
        const inUrl = repo.url.replace("http://", `http://bot:${TOKEN}@`);
        const refused = await defineWidgets({ name: "cred-url.example.io", kind: "Credu", repoURL: inUrl }, admin).then(
          () => null,
          (e: unknown) => e as AppError,
        );
        expect(refused?.message).toMatch(/must not contain credentials/);
        expect(JSON.stringify({ m: refused?.message, d: refused?.details })).not.toContain(TOKEN);

        // wrong secret → auth failure; right secret → success
        await defineWidgets({ name: "cred.example.io", kind: "Cred", repoURL: repo.url, secretName: "git-wrong" }, admin);
        const failed = await syncNow("cred.example.io", admin);
        expect(failed.phase).toBe("Failed");
        expect(failed.error).toMatch(/authentication failed|authentication required/);
        const diffErr = await computeDiff("cred.example.io").then(
          () => null,
          (e: unknown) => e as AppError,
        );
        expect(diffErr?.code).toBe("SOURCE_ERROR");
        const db = await getDb();
        const row = (await findDefinition("cred.example.io"))!;
        await db.resourceDefinition.update({ where: { id: row.id }, data: { gitops: { ...(row.gitops as object), secretName: "git-right" } } });
        expect((await syncNow("cred.example.io", admin)).phase).toBe("Succeeded");

        // a legacy row with the token in its URL (forced past validation): works, and leaks nowhere
        await db.resourceDefinition.update({ where: { id: row.id }, data: { gitops: { ...(row.gitops as object), repoURL: inUrl, secretName: undefined } } });
        commitFiles(repo.dir, { "resources/a.json": widget("p", "a", { replicas: 2 }, "Cred") }, "two");
        const viaUrl = await syncNow("cred.example.io", admin);
        expect(viaUrl.phase).toBe("Succeeded");
        // and with the server unreachable, the error names the host but not the token
        await db.resourceDefinition.update({
          where: { id: row.id },
          data: { gitops: { ...(row.gitops as object), repoURL: `http://bot:${TOKEN}@127.0.0.1:9/private`, secretName: undefined } },
        });
        const down = await syncNow("cred.example.io", admin);
        expect(down.phase).toBe("Failed");
        expect(down.error).toMatch(/127\.0\.0\.1:9/);

        const answers = JSON.stringify([
          await getDefinitionView("cred.example.io"),
          await listRuns("cred.example.io"),
          ...(await Promise.all((await listRuns("cred.example.io")).items.map((r) => getRunWithChanges(r.id)))),
          failed,
          down,
          diffErr?.message,
        ]);
        for (const secret of [TOKEN, WRONG]) {
          expect(answers).not.toContain(secret);
          const runsAndChanges = JSON.stringify({
            runs: await db.syncRun.findMany(),
            changes: await db.syncRunChange.findMany(),
            audit: await db.auditEvent.findMany(),
          });
          expect(runsAndChanges).not.toContain(secret);
          expect(lines.join("\n")).not.toContain(secret);
          expect(filesContaining(gitCache, secret)).toEqual([]);
        }
        expect(lines.join("\n")).not.toContain(Buffer.from(`bot:${TOKEN}`).toString("base64"));
      } finally {
        for (const s of spies) s.mockRestore();
      }
    });
  });
});
