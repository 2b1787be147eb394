/**
 * The address of the client a request came from, for login throttling and session records.
 *
 * Route handlers and server actions never see the socket in `next start`, and Next fills
 * `X-Forwarded-For` from the socket only when the client did not send one, so a client could
 * name any address it liked. `installClientAddressStamp` (called once from instrumentation.ts)
 * therefore rewrites every incoming request's `X-Forwarded-For` before Next reads it: the
 * socket peer, or, when the peer is a configured trusted proxy (SYNCLINE_TRUSTED_PROXIES), the
 * first address in the forwarded chain, read from the right, that is not a trusted proxy (the
 * rule of express's proxy-addr). Downstream code (better-auth's limiter and session records,
 * our password throttle) reads that one value.
 *
 * Addresses are parsed and matched with ipaddr.js (IPv4-mapped IPv6 forms count as IPv4).
 */
import "server-only";
import http from "node:http";
import ipaddr from "ipaddr.js";

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses "10.0.0.0/8, 192.0.2.7, ::1" into ranges; throws naming the first bad entry. */
export function parseTrustedProxies(list: string | undefined): Range[] {
  const out: Range[] = [];
  for (const entry of (list ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    try {
      out.push(entry.includes("/") ? ipaddr.parseCIDR(entry) : [ipaddr.parse(entry), ipaddr.parse(entry).kind() === "ipv4" ? 32 : 128]);
    } catch {
      throw new Error(`SYNCLINE_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    }
  }
  return out;
}

function canonical(addr: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = addr.trim().replace(/^\[|\]$/g, "");
  if (!ipaddr.isValid(bare)) return null;
  const parsed = ipaddr.parse(bare);
  return parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
}

function trusted(addr: ipaddr.IPv4 | ipaddr.IPv6, ranges: Range[]): boolean {
  return ranges.some(([net, bits]) => addr.kind() === net.kind() && addr.match(net, bits));
}

/**
 * The client address: the socket peer unless it is a trusted proxy; then the forwarded chain
 * from the right, skipping trusted proxies. A malformed hop ends the walk at the last address
 * known good (a proxy that wrote garbage is not a client).
 */
export function resolveClientAddress(socketAddress: string | undefined, forwardedFor: string | undefined, ranges: Range[]): string | undefined {
  const peer = socketAddress ? canonical(socketAddress) : null;
  if (!peer) return socketAddress;
  let client = peer;
  if (ranges.length > 0 && forwardedFor) {
    const hops = forwardedFor.split(",").reverse();
    for (const hop of hops) {
      if (!trusted(client, ranges)) break;
      const next = canonical(hop);
      if (!next) break;
      client = next;
    }
  }
  return client.toString();
}

const STAMPED = Symbol.for("syncline.clientAddressStamp");

/**
 * Rewrites X-Forwarded-For on every request any http.Server in this process receives, before
 * any listener runs. Patching the prototype reaches the server `next start` already created.
 */
export function installClientAddressStamp(trustedProxies: string | undefined): void {
  const proto = http.Server.prototype as http.Server & { [STAMPED]?: boolean };
  if (proto[STAMPED]) return;
  const ranges = parseTrustedProxies(trustedProxies);
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      const forwarded = req.headers["x-forwarded-for"];
      const client = resolveClientAddress(req.socket?.remoteAddress, Array.isArray(forwarded) ? forwarded.join(",") : forwarded, ranges);
      if (client) req.headers["x-forwarded-for"] = client;
      else delete req.headers["x-forwarded-for"];
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof proto.emit;
  proto[STAMPED] = true;
}

/** The client address of a request whose X-Forwarded-For was stamped above. */
export function clientAddressOf(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
}
