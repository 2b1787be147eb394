/** known_hosts parsing and host-key decisions, on keys made by ssh2 (real key blobs). */
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import ssh2 from "ssh2";
import { fingerprint, knownTypesFor, parseKnownHosts, parsePublicKey, trustedAsKnown, verifyHostKey } from "./known-hosts";

const pub = (t: "ed25519" | "ecdsa") => {
  const pair = t === "ecdsa" ? ssh2.utils.generateKeyPairSync("ecdsa", { bits: 256 }) : ssh2.utils.generateKeyPairSync("ed25519");
  return pair.public.split(" ").slice(0, 2).join(" ");
};
const blob = (k: string) => Buffer.from(k.split(" ")[1]!, "base64");
const hashed = (name: string) => {
  const salt = crypto.randomBytes(20);
  return `|1|${salt.toString("base64")}|${crypto.createHmac("sha1", salt).update(name).digest("base64")}`;
};

describe("known_hosts", () => {
  const a = pub("ed25519");
  const b = pub("ecdsa");
  const c = pub("ed25519");

  it("reads plain, [host]:port, comma lists, patterns with negation and hashed entries; names bad lines without quoting them", () => {
    const text = [
      "# comment",
      `git.example.com,10.0.0.5 ${a} comment`,
      `[git.example.com]:2222 ${b}`,
      `*.corp.example,!evil.corp.example ${a}`,
      `${hashed("hidden.example")} ${c}`,
      `@cert-authority *.example ${c}`,
      "broken-line-SECRETISH",
      `host ssh-ed25519 ${"A".repeat(10)}!`,
    ].join("\n");
    const { keys, problems } = parseKnownHosts(text);
    expect(keys).toHaveLength(4);
    expect(problems).toEqual(['line 7: expected "<hosts> <type> <base64 key>"', "line 8: the key is not base64"]);
    expect(verifyHostKey(keys, "git.example.com", 22, blob(a))).toEqual({ ok: true });
    expect(verifyHostKey(keys, "10.0.0.5", 22, blob(a))).toEqual({ ok: true });
    expect(verifyHostKey(keys, "git.example.com", 2222, blob(b))).toEqual({ ok: true });
    expect(verifyHostKey(keys, "build.corp.example", 22, blob(a))).toEqual({ ok: true });
    expect(verifyHostKey(keys, "evil.corp.example", 22, blob(a))).toMatchObject({ ok: false, code: "SSH_HOST_KEY_UNKNOWN" });
    expect(verifyHostKey(keys, "hidden.example", 22, blob(c))).toEqual({ ok: true });
    expect(knownTypesFor(keys, "git.example.com", 2222)).toEqual(["ecdsa-sha2-nistp256"]);
  });

  it("another key for a known endpoint is a mismatch naming both fingerprints; an unknown endpoint is unknown; a revoked key is refused", () => {
    const { keys } = parseKnownHosts(`git.example.com ${a}\n@revoked git.example.com ${c}\n`);
    expect(verifyHostKey(keys, "git.example.com", 22, blob(b))).toEqual({
      ok: false,
      code: "SSH_HOST_KEY_MISMATCH",
      type: "ecdsa-sha2-nistp256",
      fingerprint: fingerprint(blob(b)),
      expected: [fingerprint(blob(a))],
    });
    expect(verifyHostKey(keys, "git.example.com", 2222, blob(a))).toMatchObject({ code: "SSH_HOST_KEY_UNKNOWN" });
    expect(verifyHostKey(keys, "git.example.com", 22, blob(c))).toMatchObject({ code: "SSH_HOST_KEY_REVOKED" });
  });

  it("trusted host keys match exactly their host and port", () => {
    const k = trustedAsKnown({ host: "Git.Example.com", port: 2222, key: a })!;
    expect(k.matches("[git.example.com]:2222")).toBe(true);
    expect(k.matches("git.example.com")).toBe(false);
    expect(parsePublicKey("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ==")).toEqual({ ok: false, reason: "the key's data does not match its type" });
  });
});
