/**
 * Which repository URLs Syncline may contact. A repoURL is user input and the server fetches
 * it, so this is an SSRF boundary: only http(s) and local paths, never transports that run
 * commands (`ext::`, `ssh://-oProxyCommand=…`), and never cloud metadata endpoints, also when a
 * harmless-looking DNS name resolves to one. Private networks and loopback stay allowed (self-
 * hosted Git servers live there); stricter sites narrow it with allowHosts / denyHosts.
 */
import dns from "node:dns";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GitError } from "./git-client";

export interface UrlPolicyOptions {
  /** when non-empty, only these hostnames / IPs / CIDR ranges ("*.corp.example", "10.0.0.0/8") */
  allowHosts?: string[];
  /** hostnames / IPs / CIDR ranges that are always refused */
  denyHosts?: string[];
  /** allow file:// URLs and absolute paths (default true) */
  allowLocal?: boolean;
  /** DNS resolver, replaceable in tests */
  lookup?: (host: string) => Promise<string[]>;
}

export type ClassifiedURL = { kind: "http"; url: URL } | { kind: "local"; path: string };

const SSH_HINT = "SSH is not supported yet: use HTTPS with a token secret";
const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata", "metadata.goog"]);

const metadataRanges = new net.BlockList();
metadataRanges.addSubnet("169.254.0.0", 16, "ipv4");
metadataRanges.addAddress("100.100.100.200", "ipv4");
metadataRanges.addSubnet("fe80::", 10, "ipv6");
metadataRanges.addAddress("fd00:ec2::254", "ipv6");

/** Decides the transport for a repoURL (credentials must already be stripped). */
export function classifyRepoURL(repoURL: string, opts: UrlPolicyOptions = {}): ClassifiedURL {
  const raw = repoURL.trim();
  if (/[\s\x00-\x1f]/.test(raw) || raw.length === 0) refuse(repoURL, "it is empty or contains whitespace or control characters");
  if (raw.startsWith("/")) return local(path.resolve(raw), opts, repoURL);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme && /^(ssh|git\+ssh|ssh\+git)$/.test(scheme) && raw.startsWith(`${scheme}://`)) {
    const host = raw.slice(scheme.length + 3).replace(/^[^@/]*@/, "");
    if (host.startsWith("-")) refuse(repoURL, "the host starts with '-' (an option injection)");
    throw new GitError("UNSUPPORTED_URL", SSH_HINT);
  }
  if (!raw.includes("://") && /^[^/:\s]+@[^/:\s]+:/.test(raw)) {
    if (/@-/.test(raw) || raw.startsWith("-")) refuse(repoURL, "the host starts with '-' (an option injection)");
    throw new GitError("UNSUPPORTED_URL", SSH_HINT);
  }
  if (scheme === "file") {
    let p: string;
    try {
      p = fileURLToPath(raw);
    } catch {
      refuse(repoURL, "it is not a valid file:// URL with an absolute path");
    }
    return local(p, opts, repoURL);
  }
  if (scheme !== "http" && scheme !== "https") {
    if (!scheme) refuse(repoURL, "it is neither an http(s) URL nor an absolute path");
    refuse(repoURL, `the ${scheme}: transport is not allowed (only http, https and local paths)`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    refuse(repoURL, "it is not a valid URL");
  }
  if (!url.hostname) refuse(repoURL, "it has no host");
  checkHostName(url, opts);
  return { kind: "http", url };
}

/**
 * Checks the host of a URL about to be requested and returns the vetted addresses to connect
 * to (so a DNS answer cannot change between check and connect).
 */
export async function vetHost(url: URL, opts: UrlPolicyOptions = {}): Promise<string[]> {
  checkHostName(url, opts);
  const host = bareHost(url.hostname);
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (opts.lookup ?? defaultLookup)(host);
    } catch (err) {
      throw new GitError("NETWORK", `cannot resolve host ${host}: ${(err as NodeJS.ErrnoException).code ?? "lookup failed"}`);
    }
  }
  if (addresses.length === 0) throw new GitError("NETWORK", `cannot resolve host ${host}`);
  for (const addr of addresses) {
    if (isMetadataAddress(addr)) {
      refuseHost(url, net.isIP(host) ? `${addr} is a link-local / cloud metadata address` : `${host} resolves to ${addr}, a link-local / cloud metadata address`);
    }
    if (opts.denyHosts?.length && matchesAny(addr, opts.denyHosts)) refuseHost(url, `${addr} is in denyHosts`);
  }
  if (opts.allowHosts?.length && !matchesAny(host, opts.allowHosts)) {
    const ok = addresses.every((a) => matchesAny(a, opts.allowHosts!));
    if (!ok) refuseHost(url, `${host} is not in allowHosts`);
  }
  return addresses;
}

export function isMetadataAddress(address: string): boolean {
  const a = unmapIPv4(address);
  const family = net.isIP(a);
  if (family === 0) return false;
  return metadataRanges.check(a, family === 4 ? "ipv4" : "ipv6");
}

function checkHostName(url: URL, opts: UrlPolicyOptions): void {
  const host = bareHost(url.hostname).replace(/\.$/, "");
  if (METADATA_HOSTS.has(host)) refuseHost(url, `${host} is a cloud metadata endpoint`);
  if (net.isIP(host) && isMetadataAddress(host)) refuseHost(url, `${host} is a link-local / cloud metadata address`);
  if (opts.denyHosts?.length && matchesAny(host, opts.denyHosts)) refuseHost(url, `${host} is in denyHosts`);
  if (opts.allowHosts?.length && !net.isIP(host)) {
    const nameRules = opts.allowHosts.filter((r) => !isIpRule(r));
    const ipRules = opts.allowHosts.filter(isIpRule);
    // a name not listed may still pass by its addresses when IP rules exist; vetHost decides
    if (!matchesAny(host, nameRules) && ipRules.length === 0) refuseHost(url, `${host} is not in allowHosts`);
  } else if (opts.allowHosts?.length && !matchesAny(host, opts.allowHosts)) {
    refuseHost(url, `${host} is not in allowHosts`);
  }
}

/** A rule is a hostname ("git.example.com", "*.example.com"), an IP, or a CIDR range. */
function matchesAny(hostOrIp: string, rules: string[]): boolean {
  const value = unmapIPv4(hostOrIp.toLowerCase());
  const family = net.isIP(value);
  for (const rawRule of rules) {
    const rule = rawRule.trim().toLowerCase();
    if (!rule) continue;
    if (isIpRule(rule)) {
      if (!family) continue;
      const [base = "", bits] = rule.split("/");
      const ruleFamily = net.isIP(base);
      if (ruleFamily !== family) continue;
      const list = new net.BlockList();
      const type = family === 4 ? "ipv4" : "ipv6";
      if (bits === undefined) list.addAddress(base, type);
      else list.addSubnet(base, Number(bits), type);
      if (list.check(value, type)) return true;
    } else if (!family) {
      if (rule.startsWith("*.")) {
        if (value.endsWith(rule.slice(1))) return true;
      } else if (rule.startsWith(".")) {
        if (value.endsWith(rule) || value === rule.slice(1)) return true;
      } else if (value === rule) return true;
    }
  }
  return false;
}

function isIpRule(rule: string): boolean {
  const [base = "", bits] = rule.trim().split("/");
  return net.isIP(base) !== 0 && (bits === undefined || /^\d{1,3}$/.test(bits));
}

function bareHost(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

function unmapIPv4(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m?.[1] ?? address;
}

async function defaultLookup(host: string): Promise<string[]> {
  const found = await dns.promises.lookup(host, { all: true, verbatim: true });
  return found.map((a) => a.address);
}

function local(p: string, opts: UrlPolicyOptions, original: string): ClassifiedURL {
  if (opts.allowLocal === false) refuse(original, "local repositories are disabled on this server");
  return { kind: "local", path: p };
}

function refuse(_repoURL: string, reason: string): never {
  throw new GitError("URL_REFUSED", `repository URL refused: ${reason}`);
}

function refuseHost(url: URL, reason: string): never {
  throw new GitError("URL_REFUSED", `repository URL ${url.protocol}//${url.host} refused: ${reason}`);
}
