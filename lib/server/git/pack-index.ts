/**
 * Builds a pack's version-2 index (every object's id, CRC-32 and offset; byte-identical to
 * `git index-pack`) in bounded memory, for every pack we receive: the first shallow fetch,
 * isomorphic-git's incremental fetches (pack-receiver.ts) and, later, the SSH transport.
 *
 * Why bounded: a pack is hostile input. Three 400 MB files of zeros compress to a 1.1 MiB
 * pack; inflating every object whole and keeping them all until indexed took a server from
 * 761 MB to 2 GB of RSS. So:
 * - an object is never inflated past the size its entry header declares (a lying header is a
 *   corrupt pack, not a bigger buffer);
 * - objects over `inMemoryBytes` are streamed: hashed as they inflate, never held. A delta
 *   against such an object reads its base as a stream too (copy instructions are served from a
 *   sequential re-inflate of the base), so blobs outside the synced path cost CPU, not memory;
 * - resolved objects kept for later deltas sit in one byte-bounded cache (`baseCacheBytes`);
 *   a base that fell out is re-inflated from the pack on demand;
 * - the inflating the whole pack may take, re-reads included, is capped (`maxInflateBytes`),
 *   and so is the object count: a zip bomb costs seconds of CPU at most, then a clear error.
 * The pack itself stays in memory compressed (bounded by the transport's maxResponseBytes).
 */
import crypto from "node:crypto";
import zlib from "node:zlib";
import { GitError } from "./git-client";
import { applyDelta } from "./pack-reader";

export interface PackLimits {
  /** objects (and delta results) up to this size are inflated whole; larger ones are streamed (default 8 MiB) */
  inMemoryBytes?: number;
  /** a delta's instruction stream is held whole: larger deltas are refused (default 64 MiB) */
  maxDeltaBytes?: number;
  /** inflated bytes indexing one pack may cost, re-reads of delta bases included (default 4 GiB) */
  maxInflateBytes?: number;
  /** objects in one pack (default 1,000,000) */
  maxObjects?: number;
  /** resolved objects kept for the deltas that follow them (default 32 MiB) */
  baseCacheBytes?: number;
}

export const DEFAULT_PACK_LIMITS: Required<PackLimits> = {
  inMemoryBytes: 8 * 1024 * 1024,
  maxDeltaBytes: 64 * 1024 * 1024,
  maxInflateBytes: 4 * 1024 * 1024 * 1024,
  maxObjects: 1_000_000,
  baseCacheBytes: 32 * 1024 * 1024,
};

export interface PackIndexResult {
  idx: Buffer;
  /** the pack's trailing SHA-1 (its name: pack-<checksum>.pack) */
  checksum: string;
  objects: number;
}

const TYPE_NAMES: Record<number, string> = { 1: "commit", 2: "tree", 3: "blob", 4: "tag" };
const OFS_DELTA = 6;
const REF_DELTA = 7;
/** git's own pack-objects never writes chains deeper than 4095 */
const MAX_CHAIN = 10_000;
const STREAM_CHUNK = 1024 * 1024;

function corrupt(what: string): GitError {
  return new GitError("NETWORK", `the received pack is corrupt (${what})`);
}

function mib(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MiB` : `${n} bytes`;
}

/** Where copy instructions of a delta read their base from. */
interface BaseReader {
  read(offset: number, length: number): Promise<Buffer[]>;
  close(): Promise<void>;
}

/** longest synchronous stretch of indexing before the event loop gets a turn */
const SLICE_MS = 10;

export async function indexPack(pack: Buffer, limits: PackLimits = {}): Promise<PackIndexResult> {
  const L = { ...DEFAULT_PACK_LIMITS, ...limits };
  if (pack.length < 32 || pack.toString("latin1", 0, 4) !== "PACK" || pack.readUInt32BE(4) !== 2) {
    throw new GitError("NETWORK", "the received data is not a version 2 Git pack");
  }
  const body = pack.length - 20;
  const trailer = pack.subarray(body);
  if (!crypto.createHash("sha1").update(pack.subarray(0, body)).digest().equals(trailer)) throw corrupt("checksum mismatch");
  const count = pack.readUInt32BE(8);
  if (count > L.maxObjects) {
    throw new GitError("LIMIT_EXCEEDED", `the received pack holds ${count} objects, over the limit of ${L.maxObjects} (maxObjects)`);
  }

  // one row per entry, in pack order (offsets ascend, so an offset is found by binary search)
  const offsets = new Float64Array(count);
  const dataStarts = new Float64Array(count);
  const ends = new Float64Array(count);
  const kinds = new Uint8Array(count); // 1-4, or 6/7 for deltas
  const types = new Uint8Array(count); // resolved object type (0 until known)
  const sizes = new Float64Array(count); // object size (for deltas: the result's size)
  const baseIndex = new Int32Array(count).fill(-1);
  const refBases = new Map<number, string>(); // entry → base oid, REF_DELTA only
  const crcs = new Uint32Array(count);
  const oids = Buffer.alloc(count * 20);

  let inflated = 0;
  const charge = (n: number) => {
    inflated += n;
    if (inflated > L.maxInflateBytes) {
      throw new GitError(
        "LIMIT_EXCEEDED",
        `indexing the received pack needs more than ${mib(L.maxInflateBytes)} of inflated data (maxInflateBytes); the repository holds too much data for this server`,
      );
    }
  };

  // ---- the cache of resolved objects, by entry (least recently used out first) ----
  const cache = new Map<number, Buffer>();
  let cacheBytes = 0;
  const remember = (i: number, data: Buffer) => {
    if (data.length > L.baseCacheBytes / 4) return;
    cache.set(i, data);
    cacheBytes += data.length;
    for (const [k, v] of cache) {
      if (cacheBytes <= L.baseCacheBytes) break;
      cache.delete(k);
      cacheBytes -= v.length;
    }
  };
  const cached = (i: number) => {
    const hit = cache.get(i);
    if (hit) {
      cache.delete(i);
      cache.set(i, hit);
    }
    return hit;
  };

  /** Inflates exactly `size` bytes from `start`; returns them and the compressed length. */
  const inflateExact = (start: number, size: number): { data: Buffer; used: number } => {
    charge(size);
    let r: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      r = zlib.inflateSync(pack.subarray(start, body), {
        info: true,
        maxOutputLength: Math.max(1, size),
        chunkSize: Math.max(64, Math.min(size, STREAM_CHUNK)),
      }) as unknown as typeof r;
    } catch (err) {
      throw corrupt((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" ? "an object inflates past its declared size" : "bad zlib data");
    }
    if (r.buffer.length !== size) throw corrupt("an object inflates to another size than declared");
    return { data: r.buffer, used: r.engine.bytesWritten };
  };

  /** Streams an object's inflated bytes; `used` gets the compressed length at the end. */
  async function* inflateStream(start: number, size: number, used?: (n: number) => void): AsyncGenerator<Buffer> {
    const inf = zlib.createInflate({ chunkSize: STREAM_CHUNK });
    inf.end(pack.subarray(start, body));
    let out = 0;
    try {
      for await (const chunk of inf as AsyncIterable<Buffer>) {
        out += chunk.length;
        if (out > size) throw corrupt("an object inflates past its declared size");
        charge(chunk.length);
        yield chunk;
      }
    } catch (err) {
      if (err instanceof GitError) throw err;
      throw corrupt("bad zlib data");
    } finally {
      inf.destroy();
    }
    if (out !== size) throw corrupt("an object inflates to another size than declared");
    used?.(inf.bytesWritten);
  }

  /** The entry at `offset` among the first `known` entries (those are in ascending order). */
  const entryAt = (offset: number, known: number): number => {
    let lo = 0;
    let hi = known - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = offsets[mid]!;
      if (v === offset) return mid;
      if (v < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };

  const hashOf = (type: number, size: number) => crypto.createHash("sha1").update(`${TYPE_NAMES[type]} ${size}\0`);

  // ---- pass 1: walk the entries; hash every whole object, resolve deltas whose base is at hand ----
  const pending: number[] = [];
  let pos = 12;
  // indexing is synchronous work (inflate, hash): give the event loop a turn every slice
  let sliceStart = performance.now();
  const slice = async () => {
    if (performance.now() - sliceStart < SLICE_MS) return;
    await new Promise((r) => setImmediate(r));
    sliceStart = performance.now();
  };
  for (let n = 0; n < count; n++) {
    await slice();
    const offset = pos;
    if (pos >= body) throw corrupt("truncated");
    let byte = pack[pos++]!;
    const kind = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80) {
      if (pos >= body || shift > 53) throw corrupt("bad entry header");
      byte = pack[pos++]!;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    offsets[n] = offset;
    kinds[n] = kind;
    if (kind === OFS_DELTA) {
      byte = pack[pos++]!;
      let rel = byte & 0x7f;
      while (byte & 0x80) {
        if (pos >= body) throw corrupt("bad delta offset");
        byte = pack[pos++]!;
        rel = (rel + 1) * 128 + (byte & 0x7f);
      }
      const b = entryAt(offset - rel, n);
      if (b < 0) throw corrupt("a delta's base offset is not an entry");
      baseIndex[n] = b;
    } else if (kind === REF_DELTA) {
      if (pos + 20 > body) throw corrupt("truncated");
      refBases.set(n, pack.toString("hex", pos, pos + 20));
      pos += 20;
    } else if (!TYPE_NAMES[kind]) {
      throw corrupt(`unknown object type ${kind}`);
    }
    dataStarts[n] = pos;

    if (kind !== OFS_DELTA && kind !== REF_DELTA) {
      types[n] = kind;
      sizes[n] = size;
      if (size <= L.inMemoryBytes) {
        const { data, used } = inflateExact(pos, size);
        pos += used;
        hashOf(kind, size)
          .update(data)
          .digest()
          .copy(oids, n * 20);
        remember(n, data);
      } else {
        const h = hashOf(kind, size);
        let used = 0;
        for await (const chunk of inflateStream(pos, size, (u) => (used = u))) h.update(chunk);
        pos += used;
        h.digest().copy(oids, n * 20);
      }
    } else {
      if (size > L.maxDeltaBytes) {
        throw new GitError("LIMIT_EXCEEDED", `the received pack holds a ${mib(size)} delta, over the limit of ${mib(L.maxDeltaBytes)} (maxDeltaBytes)`);
      }
      const { data: delta, used } = inflateExact(pos, size);
      pos += used;
      const [, p1] = readVarint(delta, 0);
      const [resultSize] = readVarint(delta, p1);
      sizes[n] = resultSize;
      // the common case (an OFS_DELTA whose base was just seen) resolves here, synchronously
      const b = baseIndex[n]!;
      const base = b >= 0 && types[b] ? cached(b) : undefined;
      if (base && resultSize <= L.inMemoryBytes) {
        charge(resultSize);
        const out = applyDelta(base, delta);
        if (!out) throw corrupt("bad delta");
        types[n] = types[b]!;
        hashOf(types[n]!, out.length)
          .update(out)
          .digest()
          .copy(oids, n * 20);
        remember(n, out);
      } else pending.push(n);
    }
    ends[n] = pos;
    crcs[n] = zlib.crc32(pack.subarray(offset, pos)) >>> 0;
  }
  if (pos !== body) throw corrupt("length mismatch");

  // ---- pass 2: the deltas left, base first; REF_DELTA bases may sit anywhere in the pack ----
  let byOid: Map<string, number> | undefined;
  const refBase = (n: number): number => {
    const oid = refBases.get(n);
    if (oid === undefined) return baseIndex[n]!;
    if (!byOid) {
      byOid = new Map();
      for (let i = 0; i < count; i++) if (types[i]) byOid.set(oids.toString("hex", i * 20, i * 20 + 20), i);
    }
    const b = byOid.get(oid);
    if (b === undefined) return -1;
    baseIndex[n] = b;
    return b;
  };

  /** The delta's instruction stream; its inflated length is the size in its entry header. */
  const inflateDelta = (n: number): Buffer => {
    let p = offsets[n]!;
    let byte = pack[p++]!;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80) {
      byte = pack[p++]!;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    return inflateExact(dataStarts[n]!, size).data;
  };

  const baseOf = (n: number): number => {
    const b = refBase(n);
    if (b < 0) throw new GitError("NETWORK", "the received pack is incomplete (a delta's base is not in it)");
    return b;
  };

  /** Whole object (at most inMemoryBytes), from the cache or rebuilt from the pack. */
  async function materialize(n: number, depth: number): Promise<Buffer> {
    const hit = cached(n);
    if (hit) return hit;
    if (depth > MAX_CHAIN) throw corrupt("delta chain too deep");
    let data: Buffer;
    if (kinds[n] !== OFS_DELTA && kinds[n] !== REF_DELTA) data = inflateExact(dataStarts[n]!, sizes[n]!).data;
    else {
      const b = baseOf(n);
      if (!types[b]) await resolve(b, depth + 1);
      if (sizes[b]! <= L.inMemoryBytes) {
        const base = await materialize(b, depth + 1);
        charge(sizes[n]!);
        const out = applyDelta(base, inflateDelta(n));
        if (!out) throw corrupt("bad delta");
        data = out;
      } else {
        const parts: Buffer[] = [];
        for await (const piece of deltaChunks(n, depth)) parts.push(piece);
        data = Buffer.concat(parts);
      }
      types[n] = types[b]!;
    }
    remember(n, data);
    return data;
  }

  /** An object's bytes as a stream (for objects too large to hold), in chunks of about 1 MiB. */
  async function* objectStream(n: number, depth: number): AsyncGenerator<Buffer> {
    if (depth > MAX_CHAIN) throw corrupt("delta chain too deep");
    if (kinds[n] !== OFS_DELTA && kinds[n] !== REF_DELTA) {
      yield* inflateStream(dataStarts[n]!, sizes[n]!);
      return;
    }
    let parts: Buffer[] = [];
    let bytes = 0;
    for await (const piece of deltaChunks(n, depth)) {
      parts.push(piece);
      bytes += piece.length;
      if (bytes >= STREAM_CHUNK) {
        yield Buffer.concat(parts);
        parts = [];
        bytes = 0;
      }
    }
    if (parts.length > 0) yield Buffer.concat(parts);
  }

  function readerFor(b: number, depth: number): BaseReader {
    if (sizes[b]! <= L.inMemoryBytes) {
      let data: Buffer | undefined;
      return {
        async read(offset, length) {
          data ??= await materialize(b, depth + 1);
          return [data.subarray(offset, offset + length)];
        },
        async close() {
          data = undefined;
        },
      };
    }
    return new StreamReader(() => objectStream(b, depth + 1));
  }

  /** Delta `n`'s result, piece by piece, from its instructions run against its base. */
  async function* deltaChunks(n: number, depth: number): AsyncGenerator<Buffer> {
    if (depth > MAX_CHAIN) throw corrupt("delta chain too deep");
    const b = baseOf(n);
    if (!types[b]) await resolve(b, depth + 1);
    const delta = inflateDelta(n);
    const [baseSize, p1] = readVarint(delta, 0);
    const [resultSize, at] = readVarint(delta, p1);
    if (baseSize !== sizes[b] || resultSize !== sizes[n]) throw corrupt("a delta does not fit its base");
    charge(resultSize);
    const base = readerFor(b, depth);
    let p = at;
    let written = 0;
    try {
      while (p < delta.length) {
        const op = delta[p++]!;
        if (op & 0x80) {
          let off = 0;
          let len = 0;
          if (op & 0x01) off |= delta[p++]!;
          if (op & 0x02) off |= delta[p++]! << 8;
          if (op & 0x04) off |= delta[p++]! << 16;
          if (op & 0x08) off = (off | (delta[p++]! << 24)) >>> 0;
          if (op & 0x10) len |= delta[p++]!;
          if (op & 0x20) len |= delta[p++]! << 8;
          if (op & 0x40) len |= delta[p++]! << 16;
          if (len === 0) len = 0x10000;
          if (off + len > baseSize || written + len > resultSize) throw corrupt("bad delta");
          for (const piece of await base.read(off, len)) yield piece;
          written += len;
        } else if (op > 0) {
          if (written + op > resultSize || p + op > delta.length) throw corrupt("bad delta");
          yield delta.subarray(p, p + op);
          p += op;
          written += op;
        } else throw corrupt("bad delta");
      }
    } finally {
      await base.close();
    }
    if (written !== resultSize) throw corrupt("bad delta");
  }

  /** Computes delta `n`'s id (and keeps the object when it is small). */
  async function resolve(n: number, depth: number): Promise<void> {
    if (types[n]) return;
    if (depth > MAX_CHAIN) throw corrupt("delta chain too deep");
    if (sizes[n]! <= L.inMemoryBytes) {
      const data = await materialize(n, depth);
      hashOf(types[n]!, data.length)
        .update(data)
        .digest()
        .copy(oids, n * 20);
      return;
    }
    const b = baseOf(n);
    if (!types[b]) await resolve(b, depth + 1);
    const h = hashOf(types[b]!, sizes[n]!);
    for await (const piece of deltaChunks(n, depth)) h.update(piece);
    h.digest().copy(oids, n * 20);
    types[n] = types[b]!;
  }

  for (const n of pending) {
    await slice();
    await resolve(n, 0);
  }
  byOid = undefined;

  return { idx: writeIndex(count, oids, crcs, offsets, trailer), checksum: trailer.toString("hex"), objects: count };
}

/**
 * Random access into a large object that exists only as a stream: reads move forward through
 * one inflate; a read behind the current chunk (git's deltas mostly copy in order) restarts it,
 * and every restart is charged to maxInflateBytes like the first pass.
 */
class StreamReader implements BaseReader {
  private it: AsyncIterator<Buffer> | undefined;
  private chunk: Buffer = Buffer.alloc(0);
  private chunkStart = 0;
  private prev: Buffer = Buffer.alloc(0);
  private prevStart = 0;

  constructor(private readonly open: () => AsyncIterator<Buffer>) {}

  async read(offset: number, length: number): Promise<Buffer[]> {
    const out: Buffer[] = [];
    while (length > 0) {
      if (offset < this.chunkStart && offset >= this.prevStart && offset < this.prevStart + this.prev.length) {
        const take = Math.min(length, this.prevStart + this.prev.length - offset);
        out.push(this.prev.subarray(offset - this.prevStart, offset - this.prevStart + take));
        offset += take;
        length -= take;
        continue;
      }
      if (!this.it || offset < this.chunkStart) await this.restart();
      while (offset >= this.chunkStart + this.chunk.length) await this.advance();
      const take = Math.min(length, this.chunkStart + this.chunk.length - offset);
      out.push(this.chunk.subarray(offset - this.chunkStart, offset - this.chunkStart + take));
      offset += take;
      length -= take;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.it?.return?.(undefined);
    this.it = undefined;
  }

  private async restart(): Promise<void> {
    await this.it?.return?.(undefined);
    this.it = this.open();
    this.chunk = Buffer.alloc(0);
    this.chunkStart = 0;
    this.prev = Buffer.alloc(0);
    this.prevStart = 0;
  }

  private async advance(): Promise<void> {
    const next = await this.it!.next();
    if (next.done) throw corrupt("a delta reads past its base");
    this.prev = this.chunk;
    this.prevStart = this.chunkStart;
    this.chunkStart += this.chunk.length;
    this.chunk = next.value;
  }
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    if (pos >= buf.length) throw corrupt("bad delta header");
    byte = buf[pos++]!;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, pos];
}

/** The .idx v2 layout: fanout, sorted ids, CRCs, 31-bit offsets, 64-bit offsets, checksums. */
function writeIndex(count: number, oids: Buffer, crcs: Uint32Array, offsets: Float64Array, trailer: Buffer): Buffer {
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => oids.compare(oids, b * 20, b * 20 + 20, a * 20, a * 20 + 20)); // source a vs target b
  const large = order.filter((i) => offsets[i]! >= 0x80000000);
  const idx = Buffer.alloc(8 + 256 * 4 + count * (20 + 4 + 4) + large.length * 8 + 40);
  idx.writeUInt32BE(0xff744f63, 0);
  idx.writeUInt32BE(2, 4);
  let p = 8;
  let at = 0;
  for (let b = 0; b < 256; b++) {
    while (at < count && oids[order[at]! * 20]! <= b) at++;
    idx.writeUInt32BE(at, p);
    p += 4;
  }
  for (const i of order) p += oids.copy(idx, p, i * 20, i * 20 + 20);
  for (const i of order) p = idx.writeUInt32BE(crcs[i]!, p);
  let li = 0;
  for (const i of order) p = idx.writeUInt32BE(offsets[i]! >= 0x80000000 ? (0x80000000 | li++) >>> 0 : offsets[i]!, p);
  for (const i of large) p = idx.writeBigUInt64BE(BigInt(offsets[i]!), p);
  p += trailer.copy(idx, p);
  crypto.createHash("sha1").update(idx.subarray(0, p)).digest().copy(idx, p);
  return idx;
}
