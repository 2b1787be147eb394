/**
 * The first fetch of a branch into an empty store, done without isomorphic-git's indexer:
 * one smart-HTTP request (protocol v1, stateless: `want` + `deepen 1` + `done`), the pack
 * written as received, and its `.idx` built with Node's zlib and crypto.
 *
 * Why: for 10,000 one-KiB files the HTTP exchange took ~0.12 s and isomorphic-git's indexing
 * ~1.45 s (pako inflate and one async WebCrypto SHA-1 per object). Everything after the first
 * fetch (incremental fetches, deepening, unshallowing, tags) stays with isomorphic-git, which
 * reads the store this writes: a bare repo with `objects/pack/pack-<sha>.{pack,idx}` and a
 * `shallow` file, as git itself leaves it.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { GitError, type RepoAuth } from "./git-client";
import type { HttpTransport } from "./http-transport";
import { applyDelta } from "./pack-reader";

const TYPE_NAMES: Record<number, string> = { 1: "commit", 2: "tree", 3: "blob", 4: "tag" };
const OFS_DELTA = 6;
const REF_DELTA = 7;

/** Thrown for anything this path does not handle; the caller falls back to isomorphic-git. */
export class ShallowFetchUnsupported extends Error {}

export interface ShallowFetchResult {
  packFile: string;
  objects: number;
  shallow: string[];
}

export async function shallowFetch(o: {
  transport: HttpTransport;
  url: string;
  auth?: RepoAuth;
  gitdir: string;
  want: string;
}): Promise<ShallowFetchResult> {
  if (!/^[0-9a-f]{40}$/.test(o.want)) throw new ShallowFetchUnsupported(`not an object id: ${o.want}`);
  const body = Buffer.concat([
    pktLine(`want ${o.want} side-band-64k ofs-delta shallow no-progress agent=syncline\n`),
    pktLine("deepen 1\n"),
    Buffer.from("0000"),
    pktLine("done\n"),
  ]);
  const headers: Record<string, string> = {
    "content-type": "application/x-git-upload-pack-request",
    accept: "application/x-git-upload-pack-result",
  };
  if (o.auth) headers.authorization = `Basic ${Buffer.from(`${o.auth.username}:${o.auth.password}`).toString("base64")}`;
  const res = await o.transport.request({ url: `${o.url.replace(/\/+$/, "")}/git-upload-pack`, method: "POST", headers, body });
  const chunks: Buffer[] = [];
  for await (const c of res.body) chunks.push(Buffer.from(c));
  if (res.statusCode !== 200) throw new ShallowFetchUnsupported(`HTTP ${res.statusCode}`);
  const { pack, shallow } = readUploadPackResult(Buffer.concat(chunks));
  const { idx, checksum, objects } = indexPack(pack);

  const packDir = path.join(o.gitdir, "objects", "pack");
  fs.mkdirSync(packDir, { recursive: true });
  const base = path.join(packDir, `pack-${checksum}`);
  // the index last, renamed into place: a reader never sees an index without its pack
  fs.writeFileSync(`${base}.pack`, pack);
  fs.writeFileSync(`${base}.idx.tmp`, idx);
  fs.renameSync(`${base}.idx.tmp`, `${base}.idx`);
  const shallowFile = path.join(o.gitdir, "shallow");
  const known = fs.existsSync(shallowFile) ? fs.readFileSync(shallowFile, "utf8").split("\n").filter(Boolean) : [];
  fs.writeFileSync(shallowFile, [...new Set([...known, ...shallow])].map((s) => `${s}\n`).join(""));
  return { packFile: `${base}.pack`, objects, shallow };
}

function pktLine(s: string): Buffer {
  const payload = Buffer.from(s);
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, "0")), payload]);
}

/** shallow-update lines, then NAK, then the pack over side-band-64k (band 1 data, 2 progress, 3 error). */
export function readUploadPackResult(buf: Buffer): { pack: Buffer; shallow: string[] } {
  const shallow: string[] = [];
  const pack: Buffer[] = [];
  let pos = 0;
  let inPack = false;
  while (pos + 4 <= buf.length) {
    const len = parseInt(buf.toString("latin1", pos, pos + 4), 16);
    if (Number.isNaN(len)) throw new ShallowFetchUnsupported("malformed pkt-line in the upload-pack response");
    if (len === 0) {
      pos += 4;
      if (inPack) break;
      continue;
    }
    if (len < 4 || pos + len > buf.length) throw new ShallowFetchUnsupported("truncated upload-pack response");
    const payload = buf.subarray(pos + 4, pos + len);
    pos += len;
    if (inPack) {
      const band = payload[0];
      if (band === 1) pack.push(payload.subarray(1));
      else if (band === 3) throw new GitError("NETWORK", `the server stopped the fetch: ${payload.subarray(1).toString("utf8").trim().slice(0, 300)}`);
      continue;
    }
    const line = payload.toString("utf8").trimEnd();
    if (line.startsWith("ERR ")) throw new GitError("NETWORK", `the server refused the fetch: ${line.slice(4, 300)}`);
    if (line.startsWith("shallow ")) shallow.push(line.slice(8));
    else if (line === "NAK" || line.startsWith("ACK ")) inPack = true;
    else if (!line.startsWith("unshallow ")) throw new ShallowFetchUnsupported(`unexpected line in the upload-pack response: ${line.slice(0, 80)}`);
  }
  if (pack.length === 0) throw new ShallowFetchUnsupported("the upload-pack response carried no pack");
  return { pack: Buffer.concat(pack), shallow };
}

/** A pack's version-2 index: every object's id (deltas resolved), its CRC-32 and its offset. */
export function indexPack(pack: Buffer): { idx: Buffer; checksum: string; objects: number } {
  if (pack.length < 32 || pack.toString("latin1", 0, 4) !== "PACK" || pack.readUInt32BE(4) !== 2) {
    throw new ShallowFetchUnsupported("not a version 2 pack");
  }
  const trailer = pack.subarray(pack.length - 20);
  if (!crypto.createHash("sha1").update(pack.subarray(0, pack.length - 20)).digest().equals(trailer)) {
    throw new GitError("NETWORK", "the received pack is corrupt (checksum mismatch)");
  }
  const count = pack.readUInt32BE(8);
  const entries: { oid: Buffer; crc: number; offset: number }[] = [];
  const byOffset = new Map<number, { type: number; data: Buffer }>();
  const byOid = new Map<string, { type: number; data: Buffer }>();
  let pos = 12;
  for (let n = 0; n < count; n++) {
    const offset = pos;
    let byte = pack[pos++]!;
    let type = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80) {
      byte = pack[pos++]!;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    let base: { type: number; data: Buffer } | undefined;
    if (type === OFS_DELTA) {
      byte = pack[pos++]!;
      let rel = byte & 0x7f;
      while (byte & 0x80) {
        byte = pack[pos++]!;
        rel = (rel + 1) * 128 + (byte & 0x7f);
      }
      base = byOffset.get(offset - rel);
    } else if (type === REF_DELTA) {
      base = byOid.get(pack.toString("hex", pos, pos + 20));
      pos += 20;
    } else if (!TYPE_NAMES[type]) {
      throw new ShallowFetchUnsupported(`unknown object type ${type} in the pack`);
    }
    const inflated = zlib.inflateSync(pack.subarray(pos, pack.length - 20), { info: true, chunkSize: Math.max(64, Math.min(size, 64 * 1024 * 1024)) }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    pos += inflated.engine.bytesWritten;
    let data = inflated.buffer;
    if (type === OFS_DELTA || type === REF_DELTA) {
      // a thin pack (base outside it) is never asked for: we do not send thin-pack
      if (!base) throw new ShallowFetchUnsupported("a delta's base is not in the pack");
      const out = applyDelta(base.data, data);
      if (!out) throw new GitError("NETWORK", "the received pack is corrupt (bad delta)");
      data = out;
      type = base.type;
    }
    const oid = crypto.createHash("sha1").update(`${TYPE_NAMES[type]} ${data.length}\0`).update(data).digest();
    const obj = { type, data };
    byOffset.set(offset, obj);
    byOid.set(oid.toString("hex"), obj);
    entries.push({ oid, crc: zlib.crc32(pack.subarray(offset, pos)), offset });
  }
  if (pos !== pack.length - 20) throw new GitError("NETWORK", "the received pack is corrupt (length mismatch)");

  entries.sort((a, b) => Buffer.compare(a.oid, b.oid));
  const large = entries.filter((e) => e.offset >= 0x80000000);
  const idx = Buffer.alloc(8 + 256 * 4 + entries.length * (20 + 4 + 4) + large.length * 8 + 40);
  idx.writeUInt32BE(0xff744f63, 0);
  idx.writeUInt32BE(2, 4);
  let p = 8;
  let at = 0;
  for (let b = 0; b < 256; b++) {
    while (at < entries.length && entries[at]!.oid[0]! <= b) at++;
    idx.writeUInt32BE(at, p);
    p += 4;
  }
  for (const e of entries) p += e.oid.copy(idx, p);
  for (const e of entries) p = idx.writeUInt32BE(e.crc >>> 0, p);
  let li = 0;
  for (const e of entries) p = idx.writeUInt32BE(e.offset >= 0x80000000 ? (0x80000000 | li++) >>> 0 : e.offset, p);
  for (const e of large) p = idx.writeBigUInt64BE(BigInt(e.offset), p);
  p += trailer.copy(idx, p);
  crypto.createHash("sha1").update(idx.subarray(0, p)).digest().copy(idx, p);
  return { idx, checksum: trailer.toString("hex"), objects: count };
}
