/** Webhook building blocks: signatures, repository matching, payload shapes, the body cap. */
import { describe, expect, it } from "vitest";
import { matchHmac, matchToken, signBody } from "@/lib/server/webhooks/verify";
import { branchFromRef, normalizeRepoUrl } from "@/lib/server/webhooks/repo-match";
import { parseEvent } from "@/lib/server/webhooks/providers";
import { readCappedBody } from "@/lib/server/webhooks/read-body";

const secrets = [
  { name: "webhook", value: "global-secret-123" },
  { name: "team-a", value: "team-a-secret-456" },
];

describe("signatures", () => {
  const body = Buffer.from('{"ref":"refs/heads/main"}');
  it("matches the secret that signed, and only that one", () => {
    expect(matchHmac(signBody("team-a-secret-456", body, "sha256="), "sha256=", body, secrets)).toEqual(["team-a"]);
    expect(matchHmac(signBody("global-secret-123", body), "", body, secrets)).toEqual(["webhook"]);
  });
  it("rejects wrong secrets, altered bodies, malformed and missing headers", () => {
    expect(matchHmac(signBody("other", body, "sha256="), "sha256=", body, secrets)).toEqual([]);
    expect(matchHmac(signBody("global-secret-123", body, "sha256="), "sha256=", Buffer.from(body.toString() + " "), secrets)).toEqual([]);
    expect(matchHmac("sha256=zz", "sha256=", body, secrets)).toEqual([]);
    expect(matchHmac("sha1=" + "0".repeat(40), "sha256=", body, secrets)).toEqual([]);
    expect(matchHmac(null, "sha256=", body, secrets)).toEqual([]);
  });
  it("compares GitLab tokens exactly", () => {
    expect(matchToken("team-a-secret-456", secrets)).toEqual(["team-a"]);
    expect(matchToken("team-a-secret-45", secrets)).toEqual([]);
    expect(matchToken("", secrets)).toEqual([]);
  });
});

describe("repository matching", () => {
  it("puts clone, web and SSH URLs of one repository in one form", () => {
    const forms = [
      "https://github.com/Acme/Deploy.git",
      "https://github.com/acme/deploy",
      "https://user:tok@github.com/acme/deploy/",
      "git@github.com:acme/deploy.git",
      "ssh://git@github.com/acme/deploy.git",
      "https://github.com:443/acme/deploy",
    ];
    expect(new Set(forms.map(normalizeRepoUrl))).toEqual(new Set(["github.com/acme/deploy"]));
    expect(normalizeRepoUrl("http://127.0.0.1:8080/x")).toBe("127.0.0.1:8080/x");
    expect(normalizeRepoUrl("http://127.0.0.1:8080/x")).not.toBe(normalizeRepoUrl("http://127.0.0.1:8081/x"));
    expect(normalizeRepoUrl("not a url")).toBeNull();
    expect(normalizeRepoUrl("https://github.com/")).toBeNull();
  });
  it("matches SSH forms of one repository (GitHub/Gitea ssh_url, GitLab git_ssh_url) and keeps a non-standard SSH port apart", () => {
    const repo = normalizeRepoUrl("git@gitlab.example.com:group/sub/project.git");
    expect(normalizeRepoUrl("ssh://git@gitlab.example.com/group/sub/project.git")).toBe(repo);
    expect(normalizeRepoUrl("ssh://git@gitlab.example.com:22/group/sub/project")).toBe(repo);
    expect(normalizeRepoUrl("ssh://git@gitlab.example.com:2222/group/sub/project.git")).toBe("gitlab.example.com:2222/group/sub/project");
    expect(normalizeRepoUrl("ssh://git@gitlab.example.com:2222/group/sub/project.git")).not.toBe(repo);
    expect(parseEvent("gitlab", "Push Hook", { ref: "refs/heads/main", project: { git_ssh_url: "git@gitlab.example.com:group/sub/project.git" } })).toEqual({
      kind: "push",
      push: { repoURLs: ["git@gitlab.example.com:group/sub/project.git"], branch: "main" },
    });
  });
  it("takes branches from refs, not tags", () => {
    expect(branchFromRef("refs/heads/release/1.2")).toBe("release/1.2");
    expect(branchFromRef("refs/tags/v1")).toBeNull();
    expect(branchFromRef(42)).toBeNull();
  });
});

describe("payload shapes", () => {
  it("reads pushes from each provider and tolerates junk", () => {
    expect(parseEvent("github", "push", { ref: "refs/heads/main", repository: { clone_url: "https://h/x.git" } })).toEqual({
      kind: "push",
      push: { repoURLs: ["https://h/x.git"], branch: "main" },
    });
    expect(parseEvent("github", "ping", {})).toEqual({ kind: "ping" });
    expect(parseEvent("github", "issues", {}).kind).toBe("ignored");
    expect(parseEvent("gitlab", "Push Hook", { ref: "refs/heads/dev", project: { git_http_url: "https://gl/x.git" } })).toMatchObject({
      kind: "push",
      push: { branch: "dev" },
    });
    expect(parseEvent("gitea", "push", { ref: "refs/heads/main", repository: { clone_url: "https://gt/x.git" } }).kind).toBe("push");
    expect(parseEvent("generic", null, { repoURL: "https://g/x", branch: "main" })).toEqual({
      kind: "push",
      push: { repoURLs: ["https://g/x"], branch: "main" },
    });
    for (const junk of [null, 42, "str", [], { repository: 5 }, { ref: {}, repository: { clone_url: {} } }, { repoURL: "https://g/x", ref: "refs/tags/v1" }]) {
      expect(parseEvent("github", "push", junk).kind).toBe("ignored");
      expect(parseEvent("generic", null, junk).kind).toBe("ignored");
    }
  });
});

describe("body cap", () => {
  const stream = (chunks: number, size: number) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < chunks; i++) c.enqueue(new Uint8Array(size));
        c.close();
      },
    });
  it("refuses a declared length over the cap without reading", async () => {
    let pulled = false;
    const body = new ReadableStream<Uint8Array>({ pull: () => void (pulled = true) });
    const req = new Request("http://x/", { method: "POST", body, headers: { "content-length": String(10 * 1024 * 1024) }, duplex: "half" } as RequestInit);
    expect(await readCappedBody(req, 1024 * 1024)).toEqual({ ok: false, reason: "too-large" });
    expect(pulled).toBe(false);
  });
  it("stops a chunked body at the first byte over the cap", async () => {
    const req = new Request("http://x/", { method: "POST", body: stream(100, 64 * 1024), duplex: "half" } as RequestInit);
    expect(await readCappedBody(req, 1024 * 1024)).toEqual({ ok: false, reason: "too-large" });
    const ok = await readCappedBody(new Request("http://x/", { method: "POST", body: stream(4, 1024), duplex: "half" } as RequestInit), 1024 * 1024);
    expect(ok.ok && ok.bytes.length).toBe(4096);
  });
});
