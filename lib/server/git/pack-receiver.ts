/**
 * Receives the pack of a fetch into a store, for every fetch path: our first shallow fetch,
 * isomorphic-git's incremental fetches and, later, the SSH transport. The pack is indexed by
 * pack-index.ts (bounded memory, byte-identical to `git index-pack`), never by isomorphic-git,
 * whose indexer inflates every object whole (a 1 MiB pack of zeros costs gigabytes).
 *
 * For isomorphic-git, `receivePacksInto` wraps the HTTP transport: an upload-pack response is
 * read here, its pack stored and indexed, and isomorphic-git is handed the same response with
 * an empty pack (which it skips), so it still does what it is good at: negotiation, shallow
 * bookkeeping, refs.
 *
 * Text a server sends (ERR lines, side-band errors) never reaches an error message: servers
 * are not trusted, and these messages end up in runs viewers read and in notifications. Known
 * git refusals map to fixed sentences; anything else to a fixed generic one.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { GitError } from "./git-client";
import type { HttpTransport } from "./http-transport";
import { indexPack, type PackLimits } from "./pack-index";

/** A response that does not follow the upload-pack protocol (the caller may fall back). */
export class MalformedUploadPack extends GitError {
  constructor(what: string) {
    super("NETWORK", `the Git server sent a malformed upload-pack response (${what})`);
    this.name = "MalformedUploadPack";
  }
}

export interface UploadPackResult {
  /** everything before the pack section, byte for byte (shallow/unshallow/ACK/NAK lines) */
  head: Buffer;
  shallow: string[];
  /** the pack data of side-band channel 1, or undefined when the response carried none */
  pack: Buffer | undefined;
}

/** Fixed wording for what git servers are known to refuse with; never the server's own text. */
export function serverRefusal(text: string, where: "ERR" | "side-band"): GitError {
  const t = text.toLowerCase();
  const reason = /not our ref|not valid|no such (commit|ref)|unadvertised object/.test(t)
    ? "the requested commit is not available on the server (not our ref)"
    : /shallow|deepen/.test(t)
      ? "the server cannot serve the requested shallow history"
      : /access denied|permission denied|forbidden|not authori[sz]ed|authentication/.test(t)
        ? "access denied"
        : /not found|does not exist|no such repository|does not appear to be a git repository/.test(t)
          ? "repository not found"
          : /timeout|timed out/.test(t)
            ? "the server timed out"
            : /out of memory|disk|space|resource/.test(t)
              ? "the server ran out of resources"
              : undefined;
  const what = where === "ERR" ? "the Git server refused the fetch" : "the Git server aborted the fetch";
  return new GitError("NETWORK", reason ? `${what}: ${reason}` : `${what} (its message is not shown: server text is not trusted)`);
}

/**
 * Splits a protocol-v1 upload-pack response: shallow-update lines, ACK/NAK, then the pack over
 * side-band(-64k) (band 1 data, 2 progress, 3 fatal error). Mirrors isomorphic-git's reading
 * (an "ACK <oid> common|ready|continue" line does not end negotiation; "ACK <oid>" or NAK does).
 */
export function splitUploadPackResult(buf: Buffer): UploadPackResult {
  const shallow: string[] = [];
  const pack: Buffer[] = [];
  let pos = 0;
  let headEnd = -1;
  while (pos + 4 <= buf.length) {
    const hex = buf.toString("latin1", pos, pos + 4);
    if (!/^[0-9a-f]{4}$/i.test(hex)) throw new MalformedUploadPack("bad pkt-line length");
    const len = parseInt(hex, 16);
    if (len === 0) {
      pos += 4;
      if (headEnd >= 0) break;
      continue;
    }
    if (len < 4 || pos + len > buf.length) throw new MalformedUploadPack("truncated pkt-line");
    const payload = buf.subarray(pos + 4, pos + len);
    pos += len;
    if (headEnd >= 0) {
      const band = payload[0];
      if (band === 1) pack.push(payload.subarray(1));
      else if (band === 3) throw serverRefusal(payload.subarray(1).toString("utf8"), "side-band");
      else if (band !== 2) throw new MalformedUploadPack("unknown side-band channel");
      continue;
    }
    const line = payload.toString("utf8").trimEnd();
    if (line.startsWith("ERR ")) throw serverRefusal(line.slice(4), "ERR");
    if (/^shallow [0-9a-f]{40}$/.test(line)) shallow.push(line.slice(8));
    else if (/^unshallow [0-9a-f]{40}$/.test(line)) continue;
    else if (line === "NAK" || /^ACK [0-9a-f]{40}$/.test(line)) headEnd = pos;
    else if (/^ACK [0-9a-f]{40} (common|ready|continue)$/.test(line)) continue;
    else throw new MalformedUploadPack("unexpected line before the pack");
  }
  if (headEnd < 0) throw new MalformedUploadPack("no ACK or NAK");
  return { head: buf.subarray(0, headEnd), shallow, pack: pack.length > 0 ? Buffer.concat(pack) : undefined };
}

/** Indexes a received pack and writes pack + index into the store (index last, renamed into place). */
export async function storePack(gitdir: string, pack: Buffer, limits?: PackLimits): Promise<{ packFile: string; objects: number }> {
  const { idx, checksum, objects } = await indexPack(pack, limits);
  const packDir = path.join(gitdir, "objects", "pack");
  fs.mkdirSync(packDir, { recursive: true });
  const base = path.join(packDir, `pack-${checksum}`);
  // a reader never sees an index without its pack
  fs.writeFileSync(`${base}.pack`, pack);
  fs.writeFileSync(`${base}.idx.tmp`, idx);
  fs.renameSync(`${base}.idx.tmp`, `${base}.idx`);
  return { packFile: `${base}.pack`, objects };
}

const EMPTY_PACK = (() => {
  const header = Buffer.from("5041434b0000000200000000", "hex");
  return Buffer.concat([header, crypto.createHash("sha1").update(header).digest()]);
})();

function pkt(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, "0")), payload]);
}

function isFetchRequest(url: string, method: string | undefined, body: Buffer | undefined): boolean {
  // protocol v1 fetch: the request opens with a "want" line (ls-refs and others do not)
  return method === "POST" && /\/git-upload-pack$/.test(new URL(url).pathname) && !!body && body.subarray(4, 9).toString("latin1") === "want ";
}

/**
 * The transport isomorphic-git is given for fetches into `gitdir`: packs are stored and indexed
 * here, isomorphic-git sees an empty pack. A fetch that did not ask for side-band is refused
 * (every Git server supports it; without it the pack could not be told from the protocol).
 */
export function receivePacksInto(transport: HttpTransport, o: { gitdir: string; limits?: PackLimits; onStored?: () => void }): HttpTransport {
  const wrapped: HttpTransport = {
    get failure() {
      return transport.failure;
    },
    set failure(v) {
      transport.failure = v;
    },
    stats: transport.stats,
    async request(req) {
      const body = req.body === undefined ? undefined : await collect(req.body);
      const res = await transport.request({ ...req, body });
      if (!isFetchRequest(req.url, req.method, body) || res.statusCode !== 200) return res;
      try {
        if (!/side-band/.test(body!.subarray(0, 1024).toString("latin1"))) throw new MalformedUploadPack("fetch without side-band");
        const raw = await collect(res.body);
        const { head, pack } = splitUploadPackResult(raw);
        if (!pack) return { ...res, body: once(raw) };
        await storePack(o.gitdir, pack, o.limits);
        o.onStored?.();
        return { ...res, body: once(Buffer.concat([head, pkt(Buffer.concat([Buffer.from([1]), EMPTY_PACK])), Buffer.from("0000")])) };
      } catch (err) {
        // isomorphic-git may swallow errors around the body: keep the first one for the caller
        if (err instanceof GitError && !transport.failure) transport.failure = err;
        throw err;
      }
    },
  };
  return wrapped;
}

async function collect(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body);
  const parts: Uint8Array[] = [];
  for await (const part of body as AsyncIterable<Uint8Array>) parts.push(part);
  return Buffer.concat(parts);
}

async function* once(b: Buffer): AsyncIterableIterator<Uint8Array> {
  yield b;
}
