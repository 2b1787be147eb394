/**
 * URL policy and the HTTP transport's guards (redirects, timeouts, size cap), exercised through
 * the client so the codes and messages are the ones a sync run would record.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitFixture, type GitFixture } from "../../../test/support/git-fixture";
import { commitFiles, makeTempDir } from "../../../test/support/git-repo";
import { GitError } from "./git-client";
import { IsomorphicGitClient } from "./isomorphic-git-client";
import { redactCredentials, stripUrlCredentials } from "./redact-credentials";
import { canonicalAddress, classifyRepoURL, isMetadataAddress, vetHost } from "./url-policy";

function refusal(fn: () => unknown): GitError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GitError);
    return err as GitError;
  }
  throw new Error("expected a refusal");
}

async function rejection(p: Promise<unknown>): Promise<GitError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(GitError);
    return err as GitError;
  }
  throw new Error("expected a GitError");
}

describe("classifyRepoURL", () => {
  it("accepts http(s), absolute paths and file:// URLs", () => {
    expect(classifyRepoURL("https://github.com/org/repo.git").kind).toBe("http");
    expect(classifyRepoURL("http://10.1.2.3:3000/org/repo").kind).toBe("http");
    expect(classifyRepoURL("http://127.0.0.1/x").kind).toBe("http");
    expect(classifyRepoURL("/srv/git/repo", { allowLocal: true })).toEqual({ kind: "local", path: "/srv/git/repo" });
    expect(classifyRepoURL("file:///srv/git/repo", { allowLocal: true })).toEqual({ kind: "local", path: "/srv/git/repo" });
  });

  it("answers SSH forms with UNSUPPORTED_URL (the HTTP classifier does not take them)", () => {
    for (const url of ["git@github.com:org/repo.git", "ssh://git@github.com/org/repo.git", "git+ssh://host/x"]) {
      const err = refusal(() => classifyRepoURL(url));
      expect(err.code).toBe("UNSUPPORTED_URL");
      expect(err.message).toBe("an SSH URL is fetched by the SSH transport (ssh-transport.ts), not over HTTP");
    }
  });

  it("refuses command transports, git://, relative paths and metadata hosts with a reason", () => {
    const cases: Array<[string, RegExp]> = [
      ["ext::sh -c touch% /tmp/pwned", /whitespace|ext/],
      ["ext::sh", /ext: transport is not allowed/],
      ["git://github.com/org/repo", /git: transport is not allowed/],
      ["ssh://-oProxyCommand=touch /tmp/x/repo", /whitespace|option injection/],
      ["ssh://-oProxyCommand=calc/repo", /option injection/],
      ["ftp://host/repo", /ftp: transport/],
      ["relative/path", /neither an http\(s\) URL nor an absolute path/],
      ["http://169.254.169.254/latest/meta-data", /metadata/],
      ["http://[fe80::1]/repo", /metadata/],
      ["http://[fd00:ec2::254]/repo", /metadata/],
      ["http://100.100.100.200/repo", /metadata/],
      ["http://metadata.google.internal/computeMetadata", /metadata/],
      ["http://2852039166/decimal-169.254.169.254", /metadata/],
    ];
    for (const [url, reason] of cases) {
      const err = refusal(() => classifyRepoURL(url));
      expect(err.code, url).toBe("URL_REFUSED");
      expect(err.message, url).toMatch(reason);
    }
    expect(refusal(() => classifyRepoURL("/srv/repo", { allowLocal: false })).code).toBe("URL_REFUSED");
  });

  it("applies allowHosts / denyHosts by name, wildcard and CIDR", async () => {
    const opts = { allowHosts: ["git.corp.example", "*.internal.example", "10.0.0.0/8"], lookup: async () => ["10.2.3.4"] };
    await expect(vetHost(new URL("https://git.corp.example/x"), opts)).resolves.toEqual(["10.2.3.4"]);
    await expect(vetHost(new URL("https://a.internal.example/x"), opts)).resolves.toBeTruthy();
    await expect(vetHost(new URL("https://10.9.9.9/x"), opts)).resolves.toEqual(["10.9.9.9"]);
    expect((await rejection(vetHost(new URL("https://192.168.1.1/x"), opts))).message).toMatch(/not in allowHosts/);
    // a name outside the list whose addresses all sit in an allowed range passes
    await expect(vetHost(new URL("https://other.example/x"), opts)).resolves.toEqual(["10.2.3.4"]);
    const deny = { denyHosts: ["192.168.0.0/16", "evil.example"], lookup: async () => ["192.168.5.5"] };
    expect((await rejection(vetHost(new URL("https://evil.example/x"), deny))).message).toMatch(/denyHosts/);
    expect((await rejection(vetHost(new URL("https://innocent.example/x"), deny))).message).toMatch(/192\.168\.5\.5 is in denyHosts/);
  });

  it("refuses a DNS name that resolves to a metadata address", async () => {
    const err = await rejection(vetHost(new URL("https://sneaky.example/x"), { lookup: async () => ["93.184.216.34", "169.254.169.254"] }));
    expect(err.code).toBe("URL_REFUSED");
    expect(err.message).toMatch(/sneaky\.example resolves to 169\.254\.169\.254/);
    expect(isMetadataAddress("::ffff:169.254.169.254")).toBe(true);
    expect(isMetadataAddress("127.0.0.1")).toBe(false);
  });
});

describe("one form per address (issue 19 M5)", () => {
  const deny = { denyHosts: ["127.0.0.0/8"], lookup: async () => ["93.184.216.34"] };

  it("matches every IPv6 form of an IPv4 address as that address: mapped, translated, compatible, NAT64, 6to4", async () => {
    for (const host of [
      "[::ffff:127.0.0.1]",
      "[::ffff:7f00:1]",
      "[::ffff:0:127.0.0.1]",
      "[::127.0.0.1]",
      "[64:ff9b::7f00:1]",
      "[64:ff9b:1::7f00:1]",
      "[2002:7f00:1::]",
    ]) {
      const url = new URL(`http://${host}:8080/repo.git`);
      expect(refusal(() => classifyRepoURL(url.toString(), deny)).message, host).toMatch(/\(127\.0\.0\.1\) is in denyHosts/);
      expect((await rejection(vetHost(url, deny))).message, host).toMatch(/127\.0\.0\.1\) is in denyHosts/);
    }
    expect(canonicalAddress("::ffff:7f00:1")).toBe("127.0.0.1");
    expect(canonicalAddress("[64:ff9b::a9fe:a9fe]")).toBe("169.254.169.254");
    // what is not an IPv4 address stays IPv6: loopback, unspecified, an ordinary address
    expect(canonicalAddress("::1")).toBe("::1");
    expect(canonicalAddress("::")).toBe("::");
    expect(canonicalAddress("2001:DB8:0::1")).toBe("2001:db8::1");
    await expect(vetHost(new URL("http://[::1]/x"), deny)).resolves.toEqual(["::1"]);
  });

  it("a DNS answer in an IPv6 form of a denied IPv4 address is refused; rules written in IPv6 form mean their IPv4 range", async () => {
    const err = await rejection(vetHost(new URL("https://innocent.example/x"), { denyHosts: ["10.0.0.0/8"], lookup: async () => ["::ffff:a01:203"] }));
    expect(err.message).toMatch(/::ffff:a01:203 \(10\.1\.2\.3\) is in denyHosts/);
    await expect(vetHost(new URL("https://[::ffff:10.1.2.3]/x"), { allowHosts: ["10.0.0.0/8"] })).resolves.toEqual(["::ffff:a01:203"]);
    expect((await rejection(vetHost(new URL("https://10.1.2.3/x"), { denyHosts: ["::ffff:10.0.0.0/104"] }))).message).toMatch(/10\.1\.2\.3 is in denyHosts/);
  });

  it("NAT64 and mapped forms of metadata addresses, and Azure's 168.63.129.16, are metadata", async () => {
    for (const url of [
      "http://[64:ff9b::a9fe:a9fe]/",
      "http://[64:ff9b::169.254.169.254]/",
      "http://[::ffff:a9fe:a9fe]/",
      "http://168.63.129.16/",
      "http://[::ffff:168.63.129.16]/",
    ]) {
      expect(refusal(() => classifyRepoURL(url)).message, url).toMatch(/link-local \/ cloud metadata address/);
    }
    const err = await rejection(vetHost(new URL("https://nat64.example/x"), { lookup: async () => ["64:ff9b::a9fe:a9fe"] }));
    expect(err.message).toMatch(/nat64\.example resolves to 64:ff9b::a9fe:a9fe \(169\.254\.169\.254\), a link-local \/ cloud metadata address/);
  });
});

describe("credential redaction", () => {
  it("strips userinfo from URLs and redacts secrets in text", () => {
    expect(stripUrlCredentials("https://bob:p%40ss@host/x")).toEqual({ url: "https://host/x", auth: { username: "bob", password: "p@ss" } });
    expect(stripUrlCredentials("https://host/a@b")).toEqual({ url: "https://host/a@b" });
    const auth = { username: "bob", password: "hunter22" };
    const msg = redactCredentials(`fail https://bob:hunter22@h/x Authorization: Basic ${Buffer.from("bob:hunter22").toString("base64")} hunter22`, auth);
    expect(msg).not.toMatch(/hunter22|Ym9iOmh1bnRlcjIy/);
  });
});

describe("HTTP transport guards", () => {
  let fx: GitFixture;
  let repoURL: string;
  const servers: http.Server[] = [];

  async function serve(handler: http.RequestListener): Promise<string> {
    const s = http.createServer(handler);
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    fx = await startGitFixture();
    const r = fx.repo("guarded");
    repoURL = r.url;
    commitFiles(r.dir, { "a.yaml": "a: 1\n", "b.yaml": `b: ${crypto.randomBytes(15_000).toString("base64")}\n` }, "one");
  });
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    await fx.close();
  });

  it("refuses option-looking ssh hosts, ssh without a key, ext:: and git:// before any network traffic", async () => {
    const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-") });
    expect((await rejection(client.fetchRevision({ repoURL: "git@github.com:org/repo.git" }, { branch: "main" }))).code).toBe("SSH_AUTH_FAILED");
    expect((await rejection(client.fetchRevision({ repoURL: "ssh://-oProxyCommand=id/x" }, { branch: "main" }))).code).toBe("URL_REFUSED");
    expect((await rejection(client.fetchRevision({ repoURL: "ssh://git@169.254.169.254/x", ssh: { privateKey: "k" } }, { branch: "main" }))).code).toBe(
      "URL_REFUSED",
    );
    expect((await rejection(client.resolveBranchHead({ repoURL: "ext::sh -c id" }, "main"))).code).toBe("URL_REFUSED");
    expect((await rejection(client.resolveBranchHead({ repoURL: "git://127.0.0.1/x" }, "main"))).code).toBe("URL_REFUSED");
    expect((await rejection(client.resolveBranchHead({ repoURL: "http://169.254.169.254/x" }, "main"))).code).toBe("URL_REFUSED");
  });

  it("refuses a redirect to another host and follows one on the same host", async () => {
    const target = new URL(repoURL);
    const elsewhere = await serve((req, res) => {
      res.writeHead(302, { Location: `http://localhost:${target.port}${target.pathname}${req.url!.replace(/^\/moved/, "")}` });
      res.end();
    });
    const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-") });
    const err = await rejection(client.resolveBranchHead({ repoURL: `${elsewhere}/moved` }, "main"));
    expect(err.code).toBe("URL_REFUSED");
    expect(err.message).toMatch(/redirect from http:\/\/127\.0\.0\.1:\d+ to http:\/\/localhost:\d+ refused/);

    const sameHost = await serve((req, res) => {
      if (req.url!.startsWith("/old/")) {
        res.writeHead(301, { Location: req.url!.replace("/old/", "/new/") });
        res.end();
        return;
      }
      const proxied = http.request(
        `${target.origin}${target.pathname}${req.url!.replace(/^\/new/, "")}`,
        { method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode!, up.headers);
          up.pipe(res);
        },
      );
      req.pipe(proxied);
    });
    expect(await client.resolveBranchHead({ repoURL: `${sameHost}/old` }, "main")).toMatch(/^[0-9a-f]{40}$/);
  });

  it("times out on an idle server and on a trickling one, naming the limit", async () => {
    const silent = await serve(() => {
      /* never answers */
    });
    const idle = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-"), idleTimeoutMs: 200 });
    const e1 = await rejection(idle.resolveBranchHead({ repoURL: `${silent}/r` }, "main"));
    expect(e1.code).toBe("TIMEOUT");
    expect(e1.message).toMatch(/idle timeout of 200 ms/);

    const trickle = await serve((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/x-git-upload-pack-advertisement" });
      const t = setInterval(() => res.write("0"), 50);
      res.on("close", () => clearInterval(t));
    });
    const total = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-"), totalTimeoutMs: 400, idleTimeoutMs: 5000 });
    const e2 = await rejection(total.resolveBranchHead({ repoURL: `${trickle}/r` }, "main"));
    expect(e2.code).toBe("TIMEOUT");
    expect(e2.message).toMatch(/total timeout of 400 ms/);
  });

  it("caps the response size", async () => {
    const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-"), maxResponseBytes: 4096 });
    const err = await rejection(client.fetchRevision({ repoURL }, { branch: "main" }));
    expect(err.code).toBe("LIMIT_EXCEEDED");
    expect(err.message).toMatch(/size limit of 4096 bytes \(maxResponseBytes\)/);
  });

  it("reports an unreachable server as NETWORK", async () => {
    const client = new IsomorphicGitClient({ cacheDir: makeTempDir("syncline-cache-") });
    const err = await rejection(client.resolveBranchHead({ repoURL: "http://127.0.0.1:1/r" }, "main"));
    expect(err.code).toBe("NETWORK");
    expect(err.message).toMatch(/connection refused/);
  });
});
