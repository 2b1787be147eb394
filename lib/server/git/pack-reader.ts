/**
 * A small read-only Git object reader over a gitdir's pack files (.idx v2 + .pack) and loose
 * objects. Reading all 10,000 blobs of an 11 MB tree from the pack took 2.0 s through
 * isomorphic-git's walk, 0.34 s through a plain Node pack reader and 107 ms with native git
 * (measured with a 10,000-file repository; ARCHITECTURE.md "What keeps a 10,000-resource
 * definition fast"). It also answers an object's size from the pack entry header
 * — or the first bytes of a delta — without inflating the whole object, which is what
 * listFiles needs to apply maxFileBytes before anything is read.
 *
 * It is an accelerator, not the source of truth: anything it cannot find or parse returns
 * undefined and the caller falls back to isomorphic-git. It never writes.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

export type GitObjectType = "commit" | "tree" | "blob" | "tag";
export interface GitObject {
  type: GitObjectType;
  data: Buffer;
}

const TYPES: Record<number, GitObjectType> = { 1: "commit", 2: "tree", 3: "blob", 4: "tag" };
const OFS_DELTA = 6;
const REF_DELTA = 7;
const PARTIAL = { finishFlush: zlib.constants.Z_SYNC_FLUSH };

interface PackIndex {
  name: string;
  packPath: string;
  packSize: number;
  fd: number | undefined;
  /** whole pack in memory when small enough: one read instead of two syscalls per object */
  data: Buffer | undefined;
  count: number;
  fanout: Uint32Array;
  oids: Buffer; // count * 20, sorted
  offsets: number[]; // by index position
  /** offset → end of that entry (next entry's offset), for exact reads */
  ends: Map<number, number>;
}

interface Location {
  pack: PackIndex;
  offset: number;
}

/** sizes kept per store; a few MiB at most */
const MAX_KNOWN_SIZES = 100_000;

export class PackReader {
  private packs: PackIndex[] = [];
  private packNames = "";
  private baseCache = new Map<string, GitObject>();
  private baseCacheBytes = 0;
  private sizes = new Map<string, number>();

  constructor(readonly gitdir: string) {}

  /** (Re)loads the pack indexes when the set of packs changed. Cheap when nothing changed. */
  refresh(): void {
    const dir = path.join(this.gitdir, "objects", "pack");
    let names: string[];
    try {
      names = fs
        .readdirSync(dir)
        .filter((n) => n.endsWith(".idx"))
        .sort();
    } catch {
      names = [];
    }
    const key = names.join("\n");
    if (key === this.packNames) return;
    const keep = new Map(this.packs.map((p) => [p.name, p]));
    const next: PackIndex[] = [];
    for (const name of names) {
      const existing = keep.get(name);
      if (existing) {
        next.push(existing);
        keep.delete(name);
        continue;
      }
      const loaded = loadIndex(dir, name);
      if (loaded) next.push(loaded);
    }
    for (const gone of keep.values()) closePack(gone);
    this.packs = next;
    this.packNames = key;
    this.baseCache.clear();
    this.baseCacheBytes = 0;
  }

  /** Drops pack bytes and cached bases (indexes stay); call when an operation ends. */
  releaseMemory(): void {
    for (const p of this.packs) p.data = undefined;
    this.baseCache.clear();
    this.baseCacheBytes = 0;
  }

  close(): void {
    for (const p of this.packs) closePack(p);
    this.packs = [];
    this.packNames = "";
    this.baseCache.clear();
  }

  /**
   * Inflated size of an object, read from headers only; undefined when not found here. Sizes
   * are kept (an object's size never changes): listing 10,000 files again after a small change
   * inflates only the new deltas' headers.
   */
  size(oid: string): number | undefined {
    let size = this.sizes.get(oid);
    if (size === undefined) {
      size = this.sizeUncached(oid);
      if (size !== undefined) {
        if (this.sizes.size >= MAX_KNOWN_SIZES) this.sizes.clear();
        this.sizes.set(oid, size);
      }
    }
    return size;
  }

  private sizeUncached(oid: string): number | undefined {
    const loc = this.locate(oid);
    if (!loc) return this.looseSize(oid);
    const { type, size, dataStart, end } = this.header(loc);
    if (type !== OFS_DELTA && type !== REF_DELTA) return size;
    const buf = readSpan(loc.pack, dataStart, end);
    let skip = 0;
    if (type === OFS_DELTA) {
      while ((buf[skip++]! & 0x80) !== 0);
    } else skip = 20;
    const compressed = buf.subarray(skip);
    let out = safeInflate(compressed.subarray(0, 256), true);
    if (!out || !hasTwoVarints(out)) out = safeInflate(compressed, false, size);
    if (!out) return undefined;
    const [, p1] = readVarint(out, 0);
    return readVarint(out, p1)[0];
  }

  /** Whole object; undefined when not found here (caller falls back). */
  read(oid: string): GitObject | undefined {
    const loc = this.locate(oid);
    if (!loc) return this.readLoose(oid);
    return this.readAt(loc);
  }

  private locate(oid: string): Location | undefined {
    if (!/^[0-9a-f]{40}$/.test(oid)) return undefined;
    const key = Buffer.from(oid, "hex");
    const first = key[0]!;
    for (const pack of this.packs) {
      let lo = first === 0 ? 0 : pack.fanout[first - 1]!;
      let hi = pack.fanout[first]!;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const cmp = pack.oids.compare(key, 0, 20, mid * 20, mid * 20 + 20);
        if (cmp === 0) return { pack, offset: pack.offsets[mid]! };
        if (cmp > 0) hi = mid;
        else lo = mid + 1;
      }
    }
    return undefined;
  }

  private header(loc: Location): { type: number; size: number; dataStart: number; end: number } {
    const end = loc.pack.ends.get(loc.offset)!;
    const head = readSpan(loc.pack, loc.offset, Math.min(end, loc.offset + 32));
    let byte = head[0]!;
    const type = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    let i = 1;
    while (byte & 0x80) {
      byte = head[i++]!;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    return { type, size, dataStart: loc.offset + i, end };
  }

  private readAt(loc: Location, depth = 0): GitObject | undefined {
    const cacheKey = `${loc.pack.name}:${loc.offset}`;
    const cached = this.baseCache.get(cacheKey);
    if (cached) return cached;
    if (depth > 64) return undefined;
    const { type, size, dataStart, end } = this.header(loc);
    const buf = readSpan(loc.pack, dataStart, end);
    let result: GitObject | undefined;
    if (type >= 1 && type <= 4) {
      const data = safeInflate(buf, false, size);
      if (data) result = { type: TYPES[type]!, data };
    } else if (type === OFS_DELTA || type === REF_DELTA) {
      let base: GitObject | undefined;
      let skip: number;
      if (type === OFS_DELTA) {
        let i = 0;
        let byte = buf[i++]!;
        let rel = byte & 0x7f;
        while (byte & 0x80) {
          byte = buf[i++]!;
          rel = (rel + 1) * 128 + (byte & 0x7f);
        }
        skip = i;
        base = this.readAt({ pack: loc.pack, offset: loc.offset - rel }, depth + 1);
      } else {
        skip = 20;
        const baseOid = buf.subarray(0, 20).toString("hex");
        const baseLoc = this.locate(baseOid);
        base = baseLoc ? this.readAt(baseLoc, depth + 1) : this.readLoose(baseOid);
      }
      const delta = base && safeInflate(buf.subarray(skip), false, size);
      if (base && delta) {
        const data = applyDelta(base.data, delta);
        if (data) result = { type: base.type, data };
      }
    }
    // objects read as delta bases are worth keeping: siblings in a chain share them
    if (depth > 0 && result) this.cacheBase(cacheKey, result);
    return result;
  }

  private cacheBase(key: string, obj: GitObject): void {
    if (obj.data.length > 4 * 1024 * 1024) return;
    if (this.baseCacheBytes + obj.data.length > 64 * 1024 * 1024) {
      this.baseCache.clear();
      this.baseCacheBytes = 0;
    }
    this.baseCache.set(key, obj);
    this.baseCacheBytes += obj.data.length;
  }

  private readLoose(oid: string): GitObject | undefined {
    const file = path.join(this.gitdir, "objects", oid.slice(0, 2), oid.slice(2));
    let raw: Buffer;
    try {
      raw = zlib.inflateSync(fs.readFileSync(file));
    } catch {
      return undefined;
    }
    const nul = raw.indexOf(0);
    const [typeName] = raw.subarray(0, nul).toString("latin1").split(" ");
    if (!typeName || !["commit", "tree", "blob", "tag"].includes(typeName)) return undefined;
    return { type: typeName as GitObjectType, data: raw.subarray(nul + 1) };
  }

  private looseSize(oid: string): number | undefined {
    if (!/^[0-9a-f]{40}$/.test(oid)) return undefined;
    const file = path.join(this.gitdir, "objects", oid.slice(0, 2), oid.slice(2));
    let fd: number;
    try {
      fd = fs.openSync(file, "r");
    } catch {
      return undefined;
    }
    try {
      const prefix = Buffer.alloc(512);
      const n = fs.readSync(fd, prefix, 0, 512, 0);
      const out = safeInflate(prefix.subarray(0, n), true) ?? Buffer.alloc(0);
      let nul = out.indexOf(0);
      let head = out;
      if (nul < 0) {
        head = safeInflate(fs.readFileSync(file), false) ?? Buffer.alloc(0);
        nul = head.indexOf(0);
      }
      if (nul < 0) return undefined;
      const size = Number(head.subarray(0, nul).toString("latin1").split(" ")[1]);
      return Number.isFinite(size) ? size : undefined;
    } finally {
      fs.closeSync(fd);
    }
  }
}

function loadIndex(dir: string, name: string): PackIndex | undefined {
  const packPath = path.join(dir, name.replace(/\.idx$/, ".pack"));
  let idx: Buffer;
  let packSize: number;
  try {
    idx = fs.readFileSync(path.join(dir, name));
    packSize = fs.statSync(packPath).size;
  } catch {
    return undefined;
  }
  // v2 only: magic \377tOc, version 2
  if (idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) return undefined;
  const fanout = new Uint32Array(256);
  for (let i = 0; i < 256; i++) fanout[i] = idx.readUInt32BE(8 + i * 4);
  const count = fanout[255]!;
  const oidsStart = 8 + 256 * 4;
  const oids = idx.subarray(oidsStart, oidsStart + count * 20);
  const offStart = oidsStart + count * 20 + count * 4;
  const largeStart = offStart + count * 4;
  const offsets = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const v = idx.readUInt32BE(offStart + i * 4);
    if (v & 0x80000000) {
      const j = v & 0x7fffffff;
      offsets[i] = Number(idx.readBigUInt64BE(largeStart + j * 8));
    } else offsets[i] = v;
  }
  const sorted = [...offsets].sort((a, b) => a - b);
  const ends = new Map<number, number>();
  for (let i = 0; i < sorted.length; i++) ends.set(sorted[i]!, i + 1 < sorted.length ? sorted[i + 1]! : packSize - 20);
  return { name, packPath, packSize, fd: undefined, data: undefined, count, fanout, oids, offsets, ends };
}

const IN_MEMORY_PACK_BYTES = 256 * 1024 * 1024;

function readSpan(pack: PackIndex, start: number, end: number): Buffer {
  if (pack.data === undefined && pack.packSize <= IN_MEMORY_PACK_BYTES) pack.data = fs.readFileSync(pack.packPath);
  if (pack.data) return pack.data.subarray(start, end);
  if (pack.fd === undefined) pack.fd = fs.openSync(pack.packPath, "r");
  const buf = Buffer.allocUnsafe(end - start);
  let read = 0;
  while (read < buf.length) {
    const n = fs.readSync(pack.fd, buf, read, buf.length - read, start + read);
    if (n === 0) break;
    read += n;
  }
  return buf.subarray(0, read);
}

function closePack(pack: PackIndex): void {
  pack.data = undefined;
  if (pack.fd !== undefined) {
    try {
      fs.closeSync(pack.fd);
    } catch {
      // already closed
    }
    pack.fd = undefined;
  }
}

/**
 * `expectedSize` (from the entry header) sizes zlib's output chunk: with the default 16 KiB
 * chunk, every 1 KiB blob kept a 16 KiB ArrayBuffer alive (160 MiB for 10,000 files).
 */
function safeInflate(buf: Buffer, partial: boolean, expectedSize?: number): Buffer | undefined {
  try {
    if (partial) return zlib.inflateSync(buf, PARTIAL);
    // never past the size the entry header declares: a lying header must not buy a bigger buffer
    return expectedSize === undefined
      ? zlib.inflateSync(buf)
      : zlib.inflateSync(buf, { chunkSize: Math.max(64, Math.min(expectedSize, 64 * 1024 * 1024)), maxOutputLength: Math.max(1, expectedSize) });
  } catch {
    return undefined;
  }
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = buf[pos++]!;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80 && pos < buf.length);
  return [value, pos];
}

function hasTwoVarints(buf: Buffer): boolean {
  let seen = 0;
  for (const b of buf) {
    if ((b & 0x80) === 0 && ++seen === 2) return true;
  }
  return false;
}

/** Git delta format: base size, result size, then copy / insert instructions. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer | undefined {
  const [baseSize, afterBase] = readVarint(delta, 0);
  if (baseSize !== base.length) return undefined;
  const [resultSize, afterResult] = readVarint(delta, afterBase);
  let pos = afterResult;
  const out = Buffer.allocUnsafe(resultSize);
  let o = 0;
  while (pos < delta.length) {
    const op = delta[pos++]!;
    if (op & 0x80) {
      let off = 0;
      let len = 0;
      if (op & 0x01) off |= delta[pos++]!;
      if (op & 0x02) off |= delta[pos++]! << 8;
      if (op & 0x04) off |= delta[pos++]! << 16;
      if (op & 0x08) off = (off | (delta[pos++]! << 24)) >>> 0;
      if (op & 0x10) len |= delta[pos++]!;
      if (op & 0x20) len |= delta[pos++]! << 8;
      if (op & 0x40) len |= delta[pos++]! << 16;
      if (len === 0) len = 0x10000;
      if (off + len > base.length || o + len > resultSize) return undefined;
      base.copy(out, o, off, off + len);
      o += len;
    } else if (op > 0) {
      if (o + op > resultSize || pos + op > delta.length) return undefined;
      delta.copy(out, o, pos, pos + op);
      pos += op;
      o += op;
    } else return undefined;
  }
  return o === resultSize ? out : undefined;
}
