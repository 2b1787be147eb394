/**
 * Which repository URLs Syncline may contact. A repoURL is user input and the server fetches
 * it, so this is an SSRF boundary: only http(s) and local paths, never transports that run
 * commands (`ext::`, `ssh://-oProxyCommand=…`), and never cloud metadata endpoints, also when a
 * harmless-looking DNS name resolves to one. Private networks and loopback stay allowed (self-
 * hosted Git servers live there); stricter sites narrow it with allowHosts / denyHosts.
 *
 * Every address is brought to one form before it is matched (`canonicalAddress`): an IPv6
 * address that embeds an IPv4 one (IPv4-mapped, which the URL parser writes ::ffff:7f00:1,
 * IPv4-translated, IPv4-compatible, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4) is matched
 * as that IPv4 address, so `[::ffff:127.0.0.1]` is 127.0.0.1 for denyHosts 127.0.0.0/8.
 * Parsing is ipaddr.js's (the parser express and proxy-addr use), not ours.
 */
import dns from "node:dns";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ipaddr from "ipaddr.js";
import { GitError } from "./git-client";

export interface UrlPolicyOptions {
  /** when non-empty, only these hostnames / IPs / CIDR ranges ("*.corp.example", "10.0.0.0/8") */
  allowHosts?: string[];
  /** hostnames / IPs / CIDR ranges that are always refused */
  denyHosts?: string[];
  /** allow file:// URLs and absolute paths anywhere (default false: reading the server's disk is an admin's choice) */
  allowLocal?: boolean;
  /** with allowLocal off, local repositories under these directories only (the demo's own) */
  localRoots?: string[];
  /** DNS resolver, replaceable in tests */
  lookup?: (host: string) => Promise<string[]>;
}

export type ClassifiedURL = { kind: "http"; url: URL } | { kind: "local"; path: string };

const SSH_HINT = "an SSH URL is fetched by the SSH transport (ssh-transport.ts), not over HTTP";
const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata", "metadata.goog"]);

const metadataRanges = new net.BlockList();
metadataRanges.addSubnet("169.254.0.0", 16, "ipv4");
metadataRanges.addAddress("100.100.100.200", "ipv4");
// Azure's WireServer (VM agent and metadata channel), outside 169.254/16
metadataRanges.addAddress("168.63.129.16", "ipv4");
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
    return local(path.resolve(p), opts, repoURL);
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
      refuseHost(
        url,
        net.isIP(host)
          ? `${shown(addr)} is a link-local / cloud metadata address`
          : `${host} resolves to ${shown(addr)}, a link-local / cloud metadata address`,
      );
    }
    if (opts.denyHosts?.length && matchesAny(addr, opts.denyHosts)) refuseHost(url, `${shown(addr)} is in denyHosts`);
  }
  if (opts.allowHosts?.length && !matchesAny(host, opts.allowHosts)) {
    const ok = addresses.every((a) => matchesAny(a, opts.allowHosts!));
    if (!ok) refuseHost(url, `${host} is not in allowHosts`);
  }
  return addresses;
}

/**
 * A `lookup` for node:http(s) that answers only the vetted addresses: the connection goes
 * where the policy looked, and a DNS answer that changes after the check (rebinding) is
 * never asked for.
 */
export function pinnedLookup(addresses: string[]): net.LookupFunction {
  return (_host, options, cb) => {
    const all = addresses.map((address) => ({ address, family: net.isIP(address) }));
    if ((options as { all?: boolean }).all) (cb as unknown as (e: null, a: typeof all) => void)(null, all);
    else cb(null, all[0]!.address, all[0]!.family);
  };
}

/** "a,b , c" → ["a","b","c"]; undefined when empty (the SYNCLINE_ALLOW_HOSTS / DENY_HOSTS form). */
export function parseHostList(v: string | undefined): string[] | undefined {
  const xs = v
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return xs && xs.length > 0 ? xs : undefined;
}

export function isMetadataAddress(address: string): boolean {
  const a = canonicalAddress(address);
  const family = net.isIP(a);
  if (family === 0) return false;
  return metadataRanges.check(a, family === 4 ? "ipv4" : "ipv6");
}

/**
 * One form per address: the IPv4 address an IPv6 address embeds (mapped ::ffff:0:0/96,
 * translated ::ffff:0:0:0/96, compatible ::/96, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4
 * 2002::/16), any other IPv6 address compressed (RFC 5952) without brackets, names lowercased.
 */
export function canonicalAddress(hostOrIp: string): string {
  const bare = bareHost(hostOrIp).toLowerCase();
  if (net.isIP(bare) === 0) return bare;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(bare);
  } catch {
    return bare;
  }
  if (parsed.kind() === "ipv4") return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  const p = v6.parts;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const range = v6.range();
  if (range === "ipv4Mapped" || range === "rfc6145" || range === "rfc6052") return v4(p[6]!, p[7]!);
  if (p[0] === 0x64 && p[1] === 0xff9b && p[2] === 1) return v4(p[6]!, p[7]!);
  // IPv4-compatible (deprecated, still routed by some stacks); :: and ::1 are not IPv4
  if (p.slice(0, 6).every((x) => x === 0) && !(p[6] === 0 && p[7]! <= 1)) return v4(p[6]!, p[7]!);
  if (range === "6to4") return v4(p[1]!, p[2]!);
  return v6.toRFC5952String();
}

function shown(address: string): string {
  const c = canonicalAddress(address);
  return c === address.toLowerCase() ? address : `${address} (${c})`;
}

function checkHostName(url: URL, opts: UrlPolicyOptions): void {
  const host = canonicalAddress(bareHost(url.hostname).replace(/\.$/, ""));
  if (METADATA_HOSTS.has(host)) refuseHost(url, `${host} is a cloud metadata endpoint`);
  if (net.isIP(host) && isMetadataAddress(host)) refuseHost(url, `${shown(bareHost(url.hostname))} is a link-local / cloud metadata address`);
  if (opts.denyHosts?.length && matchesAny(host, opts.denyHosts)) refuseHost(url, `${shown(bareHost(url.hostname))} is in denyHosts`);
  if (opts.allowHosts?.length && !net.isIP(host)) {
    const nameRules = opts.allowHosts.filter((r) => !ipRule(r));
    const ipRules = opts.allowHosts.filter((r) => ipRule(r));
    // a name not listed may still pass by its addresses when IP rules exist; vetHost decides
    if (!matchesAny(host, nameRules) && ipRules.length === 0) refuseHost(url, `${host} is not in allowHosts`);
  } else if (opts.allowHosts?.length && !matchesAny(host, opts.allowHosts)) {
    refuseHost(url, `${host} is not in allowHosts`);
  }
}

/** A rule is a hostname ("git.example.com", "*.example.com"), an IP, or a CIDR range. */
function matchesAny(hostOrIp: string, rules: string[]): boolean {
  const value = canonicalAddress(hostOrIp);
  const family = net.isIP(value);
  for (const rawRule of rules) {
    const rule = rawRule.trim().toLowerCase();
    if (!rule) continue;
    const ip = ipRule(rule);
    if (ip) {
      if (!family || (family === 4) !== (ip.type === "ipv4")) continue;
      const list = new net.BlockList();
      if (ip.bits === undefined) list.addAddress(ip.base, ip.type);
      else list.addSubnet(ip.base, ip.bits, ip.type);
      if (list.check(value, ip.type)) return true;
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

/**
 * An IP or CIDR rule in canonical form: a rule written as an IPv6 form of IPv4 addresses
 * ("::ffff:10.0.0.0/104") becomes the IPv4 rule it means ("10.0.0.0/8").
 */
function ipRule(rule: string): { base: string; bits: number | undefined; type: "ipv4" | "ipv6" } | undefined {
  const [rawBase = "", rawBits] = rule.trim().split("/");
  if (net.isIP(rawBase) === 0 || (rawBits !== undefined && !/^\d{1,3}$/.test(rawBits))) return undefined;
  const base = canonicalAddress(rawBase);
  let bits = rawBits === undefined ? undefined : Number(rawBits);
  if (net.isIP(base) === 4 && net.isIP(bareHost(rawBase)) === 6 && bits !== undefined) bits = Math.max(0, bits - 96);
  const type = net.isIP(base) === 4 ? "ipv4" : "ipv6";
  if (bits !== undefined && bits > (type === "ipv4" ? 32 : 128)) return undefined;
  return { base, bits, type };
}

function bareHost(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

async function defaultLookup(host: string): Promise<string[]> {
  const found = await dns.promises.lookup(host, { all: true, verbatim: true });
  return found.map((a) => a.address);
}

export const LOCAL_REPOS_DISABLED = "local repository paths are disabled on this server (an admin enables them with SYNCLINE_ALLOW_LOCAL_REPOS=1)";

/** A local repository at `p` (absolute, resolved) is allowed: anywhere with allowLocal, else under a localRoot. */
export function localAllowed(p: string, opts: Pick<UrlPolicyOptions, "allowLocal" | "localRoots">): boolean {
  if (opts.allowLocal === true) return true;
  return (opts.localRoots ?? []).some((root) => p === root || p.startsWith(root.endsWith("/") ? root : `${root}/`));
}

function local(p: string, opts: UrlPolicyOptions, original: string): ClassifiedURL {
  if (!localAllowed(p, opts)) refuse(original, LOCAL_REPOS_DISABLED);
  return { kind: "local", path: p };
}

function refuse(_repoURL: string, reason: string): never {
  throw new GitError("URL_REFUSED", `repository URL refused: ${reason}`);
}

function refuseHost(url: URL, reason: string): never {
  throw new GitError("URL_REFUSED", `repository URL ${url.protocol}//${url.host} refused: ${reason}`);
}
