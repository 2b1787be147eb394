/**
 * The first fetch of a branch into an empty store, done without isomorphic-git's indexer:
 * one smart-HTTP request (protocol v1, stateless: `want` + `deepen 1` + `done`), the pack
 * written as received, and its `.idx` built with Node's zlib and crypto in bounded memory
 * (pack-index.ts; isomorphic-git's fetches store their packs the same way, pack-receiver.ts).
 *
 * Why: for 10,000 one-KiB files the HTTP exchange took ~0.12 s and isomorphic-git's indexing
 * ~1.45 s (pako inflate and one async WebCrypto SHA-1 per object). Everything after the first
 * fetch (incremental fetches, deepening, unshallowing, tags) stays with isomorphic-git, which
 * reads the store this writes: a bare repo with `objects/pack/pack-<sha>.{pack,idx}` and a
 * `shallow` file, as git itself leaves it.
 */
import fs from "node:fs";
import path from "node:path";
import type { RepoAuth } from "./git-client";
import type { HttpTransport } from "./http-transport";
import { indexPack as indexPackBounded, type PackIndexResult, type PackLimits } from "./pack-index";
import { MalformedUploadPack, splitUploadPackResult, storePack } from "./pack-receiver";

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
  limits?: PackLimits;
}): Promise<ShallowFetchResult> {
  if (!/^[0-9a-f]{40}$/.test(o.want)) throw new ShallowFetchUnsupported(`not an object id: ${o.want}`);
  const body = Buffer.concat([
    pktLine(`want ${o.want} side-band-64k ofs-delta shallow no-progress agent=syncline\n`),
    pktLine("deepen 1\n"),
    Buffer.from("0000"),
    pktLine("done\n"),
  ]);
  const { pack, shallow } = readUploadPackResult(await uploadPack(o, body));
  const { packFile, objects } = await storePack(o.gitdir, pack, o.limits);
  const known = readShallow(o.gitdir);
  fs.writeFileSync(path.join(o.gitdir, "shallow"), [...new Set([...known, ...shallow])].map((s) => `${s}\n`).join(""));
  return { packFile, objects, shallow };
}

/**
 * A later fetch of a branch, in one request as well: `want` the new head, `have` what the store
 * holds, with the store's shallow boundary sent along (so the server does not take the missing
 * parents for present) and no deepening. Isomorphic-git's fetch asked for the advertisement
 * first (a second request, a second git process on a CGI server) and parsed every local pack
 * index to check its haves. A response this path does not understand: ShallowFetchUnsupported
 * (the caller falls back to isomorphic-git); a refusal: GitError, worded as for any fetch.
 */
export async function incrementalFetch(o: {
  transport: HttpTransport;
  url: string;
  auth?: RepoAuth;
  gitdir: string;
  want: string;
  haves: string[];
  limits?: PackLimits;
}): Promise<{ packFile?: string; objects: number }> {
  const oid = /^[0-9a-f]{40}$/;
  if (!oid.test(o.want) || o.haves.length === 0 || !o.haves.every((h) => oid.test(h))) {
    throw new ShallowFetchUnsupported("needs the wanted and the held commits by id");
  }
  const body = Buffer.concat([
    pktLine(`want ${o.want} side-band-64k ofs-delta shallow no-progress agent=syncline\n`),
    ...readShallow(o.gitdir).map((s) => pktLine(`shallow ${s}\n`)),
    Buffer.from("0000"),
    ...o.haves.map((h) => pktLine(`have ${h}\n`)),
    pktLine("done\n"),
  ]);
  let r: ReturnType<typeof splitUploadPackResult>;
  try {
    r = splitUploadPackResult(await uploadPack(o, body));
  } catch (err) {
    if (err instanceof MalformedUploadPack) throw new ShallowFetchUnsupported(err.message);
    throw err;
  }
  // no deepening was asked for: a server that moves the shallow boundary is not understood here
  if (r.shallow.length > 0) throw new ShallowFetchUnsupported("the server sent a shallow update nobody asked for");
  if (!r.pack) return { objects: 0 };
  return storePack(o.gitdir, r.pack, o.limits);
}

/** One stateless upload-pack request (protocol v0/v1 over smart HTTP); the whole answer, bounded by the transport. */
async function uploadPack(o: { transport: HttpTransport; url: string; auth?: RepoAuth }, body: Buffer): Promise<Buffer> {
  const headers: Record<string, string> = {
    "content-type": "application/x-git-upload-pack-request",
    accept: "application/x-git-upload-pack-result",
  };
  if (o.auth) headers.authorization = `Basic ${Buffer.from(`${o.auth.username}:${o.auth.password}`).toString("base64")}`;
  const res = await o.transport.request({ url: `${o.url.replace(/\/+$/, "")}/git-upload-pack`, method: "POST", headers, body });
  const chunks: Buffer[] = [];
  for await (const c of res.body) chunks.push(Buffer.from(c));
  if (res.statusCode !== 200) throw new ShallowFetchUnsupported(`HTTP ${res.statusCode}`);
  return Buffer.concat(chunks);
}

function readShallow(gitdir: string): string[] {
  const file = path.join(gitdir, "shallow");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
}

function pktLine(s: string): Buffer {
  const payload = Buffer.from(s);
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, "0")), payload]);
}

/**
 * shallow-update lines, then NAK, then the pack over side-band-64k. A response this path does
 * not understand falls back to isomorphic-git (ShallowFetchUnsupported); a server's refusal is
 * a GitError with fixed wording (pack-receiver.ts `serverRefusal`).
 */
export function readUploadPackResult(buf: Buffer): { pack: Buffer; shallow: string[] } {
  let r: ReturnType<typeof splitUploadPackResult>;
  try {
    r = splitUploadPackResult(buf);
  } catch (err) {
    if (err instanceof MalformedUploadPack) throw new ShallowFetchUnsupported(err.message);
    throw err;
  }
  if (!r.pack) throw new ShallowFetchUnsupported("the upload-pack response carried no pack");
  return { pack: r.pack, shallow: r.shallow };
}

/** A pack's version-2 index, built in bounded memory (pack-index.ts). */
export function indexPack(pack: Buffer, limits?: PackLimits): Promise<PackIndexResult> {
  return indexPackBounded(pack, limits);
}
