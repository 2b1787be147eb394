/**
 * `ls-refs` in one request. Protocol v2 over HTTP is stateless: a client may send a command
 * to `git-upload-pack` without the capability advertisement first (`GET info/refs`), which is
 * what isomorphic-git's `listServerRefs` always asks for. For a branch-head check that halves
 * the round trips (and, on a server that runs git per request, the processes): a re-sync with
 * nothing to do is mostly this check.
 *
 * Answers undefined when the server does not answer this way (an older server, a proxy that
 * wants the advertisement, authentication asked for): the caller then takes the ordinary path,
 * which also words the errors. Transport errors (timeouts, limits, refused addresses) are thrown.
 */
import type { RepoAuth } from "./git-client";
import type { HttpTransport } from "./http-transport";

const OID = /^[0-9a-f]{40}$/;

export async function lsRefsDirect(o: {
  transport: HttpTransport;
  url: string;
  auth?: RepoAuth;
  /** only refs starting with this (e.g. `refs/heads/main`) */
  prefix?: string;
}): Promise<Map<string, string> | undefined> {
  const body = Buffer.concat([
    pkt("command=ls-refs\n"),
    pkt("agent=syncline\n"),
    Buffer.from("0001"),
    pkt("peel\n"),
    ...(o.prefix ? [pkt(`ref-prefix ${o.prefix}\n`)] : []),
    Buffer.from("0000"),
  ]);
  const headers: Record<string, string> = {
    "content-type": "application/x-git-upload-pack-request",
    accept: "application/x-git-upload-pack-result",
    "git-protocol": "version=2",
  };
  if (o.auth) headers.authorization = `Basic ${Buffer.from(`${o.auth.username}:${o.auth.password}`).toString("base64")}`;
  const res = await o.transport.request({ url: `${o.url.replace(/\/+$/, "")}/git-upload-pack`, method: "POST", headers, body });
  if (res.statusCode !== 200) {
    await drain(res.body, 64 * 1024);
    return undefined;
  }
  // checked as it arrives: at the first byte that is not an ls-refs answer the request is dropped
  // (a hostile or odd server costs one chunk, not the response cap), and the ordinary path asks,
  // which also words the error
  const chunks: Buffer[] = [];
  for await (const c of res.body) {
    chunks.push(Buffer.from(c));
    const state = scanLsRefs(Buffer.concat(chunks));
    if (state === "bad") {
      await res.body.return?.(undefined);
      return undefined;
    }
  }
  // (read to its end: bytes after the closing flush make it "bad" above)
  return parseLsRefs(Buffer.concat(chunks));
}

/** reads (and drops) what a refusal sends, up to `max` bytes, so the connection is released */
async function drain(body: AsyncIterableIterator<Uint8Array>, max: number): Promise<void> {
  let n = 0;
  for await (const c of body) if ((n += c.length) > max) break;
}

/** "done" at the closing flush, "bad" at the first malformed pkt-line, "more" while incomplete */
function scanLsRefs(buf: Buffer): "done" | "bad" | "more" {
  let pos = 0;
  while (pos + 4 <= buf.length) {
    const hex = buf.toString("latin1", pos, pos + 4);
    if (!/^[0-9a-f]{4}$/i.test(hex)) return "bad";
    const len = parseInt(hex, 16);
    if (len === 0) return pos + 4 === buf.length ? "done" : "bad";
    if (len < 4 || len > 65520) return "bad";
    if (pos + len > buf.length) {
      // the start of a line can be checked before its end arrives
      return buf.length - pos > 4 && !/^[0-9a-f]/.test(buf.toString("latin1", pos + 4, pos + 5)) ? "bad" : "more";
    }
    if (!OID.test(buf.toString("latin1", pos + 4, pos + 44))) return "bad";
    pos += len;
  }
  return "more";
}

/** `<oid> <ref>[ symref-target:…][ peeled:<oid>]` lines, then a flush; anything else: undefined */
export function parseLsRefs(buf: Buffer): Map<string, string> | undefined {
  const refs = new Map<string, string>();
  let pos = 0;
  while (pos + 4 <= buf.length) {
    const hex = buf.toString("latin1", pos, pos + 4);
    if (!/^[0-9a-f]{4}$/i.test(hex)) return undefined;
    const len = parseInt(hex, 16);
    if (len === 0) return pos + 4 === buf.length ? refs : undefined;
    if (len < 4 || pos + len > buf.length) return undefined;
    const [oid, ref, ...attrs] = buf
      .toString("utf8", pos + 4, pos + len)
      .replace(/\n$/, "")
      .split(" ");
    pos += len;
    if (!oid || !OID.test(oid) || !ref) return undefined;
    refs.set(ref, oid);
    const peeled = attrs.find((a) => a.startsWith("peeled:"))?.slice(7);
    if (peeled && OID.test(peeled)) refs.set(`${ref}^{}`, peeled);
  }
  return undefined; // no closing flush: cut short or not a v2 answer
}

function pkt(s: string): Buffer {
  const payload = Buffer.from(s);
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, "0")), payload]);
}
