/**
 * ls-refs in one request against git's own http-backend (with and without Basic auth), the
 * client's branch-head check through it (one request per check), and the answers that send
 * the caller back to the ordinary path.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "../../../test/support/git-fixture";
import { commitFiles, headSha, makeTempDir, tag } from "../../../test/support/git-repo";
import { createHttpTransport } from "./http-transport";
import { IsomorphicGitClient } from "./isomorphic-git-client";
import { lsRefsDirect, parseLsRefs } from "./ls-refs";

const A = "a".repeat(40);
const B = "b".repeat(40);
const pkt = (s: string) => `${(Buffer.byteLength(s) + 4).toString(16).padStart(4, "0")}${s}`;

describe("parseLsRefs", () => {
  it("reads refs and peeled tags up to the flush", () => {
    const refs = parseLsRefs(Buffer.from(pkt(`${A} refs/heads/main\n`) + pkt(`${A} refs/tags/v1 peeled:${B}\n`) + "0000"));
    expect(refs).toEqual(
      new Map([
        ["refs/heads/main", A],
        ["refs/tags/v1", A],
        ["refs/tags/v1^{}", B],
      ]),
    );
  });

  it("answers undefined for what is not an ls-refs answer (no flush, an ERR line, garbage)", () => {
    expect(parseLsRefs(Buffer.from(pkt(`${A} refs/heads/main\n`)))).toBeUndefined();
    expect(parseLsRefs(Buffer.from(pkt("ERR upload-pack: not our ref\n") + "0000"))).toBeUndefined();
    expect(parseLsRefs(Buffer.from("<html>"))).toBeUndefined();
  });
});

describe("lsRefsDirect over smart HTTP", () => {
  let fx: GitFixture;
  let open: GitFixture;
  beforeAll(async () => {
    fx = await startGitFixture({ auth: { username: "bot", password: "s3cret" } });
    open = await startGitFixture();
  });
  afterAll(async () => {
    await fx.close();
    await open.close();
  });

  it("lists the branch head (and a tag, peeled) in one request, credentials sent with it", async () => {
    const r = fx.repo("direct");
    commitFiles(r.dir, { "a.yaml": "a: 1\n" }, "one");
    tag(r.dir, "v1", "HEAD", "annotated");
    commitFiles(r.dir, { "a.yaml": "a: 2\n" }, "two");
    fx.server.resetCounters();
    const transport = createHttpTransport();
    const head = await lsRefsDirect({ transport, url: r.url, auth: { username: "bot", password: "s3cret" }, prefix: "refs/heads/main" });
    expect(head).toEqual(new Map([["refs/heads/main", headSha(r.dir)]]));
    expect(fx.server.requests).toBe(1);
    const tags = await lsRefsDirect({ transport, url: r.url, auth: { username: "bot", password: "s3cret" }, prefix: "refs/tags/" });
    expect(tags?.get("refs/tags/v1^{}")).toBe(headSha(r.dir, "HEAD~1"));
  });

  it("answers undefined without the credentials (401): the caller takes the ordinary path", async () => {
    const r = fx.repo("noauth");
    commitFiles(r.dir, { "a.yaml": "a: 1\n" }, "one");
    const transport = createHttpTransport();
    expect(await lsRefsDirect({ transport, url: r.url, prefix: "refs/heads/main" })).toBeUndefined();
  });

  it("the client's head check is one request from the first check on", async () => {
    const r = open.repo("client");
    commitFiles(r.dir, { "a.yaml": "a: 1\n" }, "one");
    const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-") });
    open.server.resetCounters();
    expect(await client.resolveBranchHead({ repoURL: r.url }, "main")).toBe(headSha(r.dir));
    expect(open.server.requests).toBe(1);
    commitFiles(r.dir, { "a.yaml": "a: 2\n" }, "two");
    expect(await client.resolveBranchHead({ repoURL: r.url }, "main")).toBe(headSha(r.dir));
    expect(open.server.requests).toBe(2);
  });

  it("drops an answer at its first byte that is not ls-refs (endless garbage costs a chunk, not the response cap)", async () => {
    let closed = false;
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-git-upload-pack-result" });
      const t = setInterval(() => res.write("A".repeat(64 * 1024)), 1);
      res.on("close", () => {
        clearInterval(t);
        closed = true;
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const transport = createHttpTransport();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo.git`;
      expect(await lsRefsDirect({ transport, url, prefix: "refs/heads/main" })).toBeUndefined();
      expect(transport.stats.bytesReceived).toBeLessThan(1024 * 1024);
      for (let i = 0; i < 50 && !closed; i++) await new Promise((r) => setTimeout(r, 10));
      expect(closed).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("an answer with bytes after its closing flush is not taken", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-git-upload-pack-result" });
      res.end(pkt(`${A} refs/heads/main\n`) + "0000" + pkt(`${B} refs/heads/main\n`) + "0000");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const transport = createHttpTransport();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo.git`;
      expect(await lsRefsDirect({ transport, url })).toBeUndefined();
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
