/**
 * Step 1b of the sync pipeline, decrypt: documents with a top-level `sops` block are decrypted
 * (lib/engine/sops) with the identities of the definition's `spec.gitops.decryption` secret,
 * before collect and validate. A document that fails (wrong or missing key, unsupported
 * provider, bad MAC, malformed ENC value) is passed on with its reason and fails alone (collect).
 * Results are kept by blob SHA and identity set, so an incremental sync decrypts only changed
 * files, and a rotated secret (another identity set) decrypts again at the next refresh.
 *
 * Then `sealDecrypted`: after validation the cleartext is replaced by masks in the resource's
 * spec and sealed (secret box) beside it, so the plan, the diff, run records and the store
 * never hold it (only `revealResource` opens it, for executor tokens).
 */
import "server-only";
import { decryptSopsDocument, isSopsDocument, SopsError, type Keyring } from "@/lib/engine/sops";
import type { ParsedDoc, ParseResult } from "@/lib/engine/parse";
import { mapInSlices } from "@/lib/engine/time-slice";
import type { Definition, DesiredResource, ResourceDoc } from "@/lib/engine/types";
import { getOwn, setOwn, type PlainObject } from "@/lib/engine/plain-object";
import { parsePointer } from "@/lib/engine/redact";
import { encryptSecret } from "@/lib/server/crypto/secret-box";
import { processSingleton } from "@/lib/server/runtime/singletons";
import { getSopsKeyring } from "@/lib/server/services/secrets";
import { secretMask } from "@/lib/server/views/secret-mask";
import type { TreeFile } from "@/lib/server/git/git-client";

/** decrypted parse results by `${blob oid}\0${identity set}` (bounded, oldest out first) */
const decryptedCache = processSingleton("sops-decrypted", () => new Map<string, ParseResult>());
const MAX_CACHED = 20_000;

export interface DecryptStats {
  documents: number;
  failed: number;
  ms: number;
}

/**
 * Wraps `parse` so that SOPS documents come out decrypted (or with their failure). Reads every
 * file once to find the SOPS documents; files without one pass through unchanged.
 */
export async function decryptSource(
  def: Definition,
  files: readonly TreeFile[],
  parse: (f: TreeFile) => ParseResult,
): Promise<{ parse: (f: TreeFile) => ParseResult; stats: DecryptStats }> {
  const stats: DecryptStats = { documents: 0, failed: 0, ms: 0 };
  // (parsing every file here is no extra work: results are cached by blob, and the pipeline parses them anyway)
  // in slices: parsing a thousand files is synchronous work the server must not be stuck behind
  const isEncrypted = await mapInSlices(files, (f) => parse(f).docs.some((d) => isSopsDocument(d.value)));
  const encrypted = files.filter((_, i) => isEncrypted[i]);
  if (encrypted.length === 0) return { parse, stats };
  const started = performance.now(); // the decryption's own cost, without the parse

  const decryption = def.spec.gitops?.decryption;
  let keyring: Keyring | undefined;
  let ringId = "none";
  let unavailable: string | undefined;
  if (decryption) {
    const r = await getSopsKeyring(decryption.secretName);
    if ("error" in r) unavailable = r.error;
    else ({ keyring, id: ringId } = r);
  }
  const out = new Map<string, ParseResult>();
  for (const f of encrypted) {
    const cacheKey = `${f.oid}\0${ringId}\0${unavailable ?? ""}`;
    let result = decryptedCache.get(cacheKey);
    if (!result) {
      const parsed = parse(f);
      const docs: ParsedDoc[] = [];
      for (const d of parsed.docs) {
        if (!isSopsDocument(d.value)) {
          docs.push(d);
          continue;
        }
        docs.push(await decryptDoc(d, keyring, unavailable));
      }
      result = { docs, problems: parsed.problems };
      decryptedCache.set(cacheKey, result);
      if (decryptedCache.size > MAX_CACHED) decryptedCache.delete(decryptedCache.keys().next().value as string);
    }
    for (const d of result.docs) {
      if (d.decryptedPaths) stats.documents++;
      if (d.decryptionError) {
        stats.documents++;
        stats.failed++;
      }
    }
    out.set(f.path, result);
  }
  stats.ms = performance.now() - started;
  return { parse: (f) => out.get(f.path) ?? parse(f), stats };
}

async function decryptDoc(d: ParsedDoc, keyring: Keyring | undefined, unavailable: string | undefined): Promise<ParsedDoc> {
  const value = d.value as PlainObject;
  try {
    if (unavailable) throw new SopsError("SOPS_NO_MATCHING_KEY", unavailable);
    const r = await decryptSopsDocument(value, keyring);
    return { value: r.value, line: d.line, index: d.index, decryptedPaths: r.paths };
  } catch (err) {
    const message = err instanceof SopsError ? err.message : `SOPS_MALFORMED: ${(err as Error).message.slice(0, 200)}`;
    const stripped: PlainObject = {};
    for (const k of Object.keys(value)) if (k !== "sops") setOwn(stripped, k, value[k]);
    return { value: stripped, line: d.line, index: d.index, decryptionError: message };
  }
}

/** sealed forms by desired document and definition: an unchanged document is masked and sealed once */
const sealedDocs = new WeakMap<ResourceDoc, Map<string, { doc: ResourceDoc; sealed: string }>>();

/**
 * The seal step (planFromSource's `seal`): the resource's decrypted values become masks
 * ("<secret:xxxxxxxx>", the definition's mask for these paths) in its spec, and the values are
 * sealed with the secret box. The content hash then covers the masks: a re-encryption of the
 * same cleartext (new IV, new lastmodified) is unchanged, a changed value is an update.
 */
export function sealDecrypted(definition: string): (d: DesiredResource) => DesiredResource {
  return (d) => {
    const paths = d.secretPaths;
    if (!paths || paths.length === 0) return d;
    let byDef = sealedDocs.get(d.doc);
    let hit = byDef?.get(definition);
    if (!hit) {
      const mask = secretMask(definition, paths)!;
      const values: Record<string, unknown> = {};
      for (const p of paths) values[p] = valueAt(d.doc.spec, p);
      hit = { doc: { ...d.doc, spec: mask(d.doc.spec, d.key) }, sealed: encryptSecret(JSON.stringify(values)) };
      if (!byDef) sealedDocs.set(d.doc, (byDef = new Map()));
      byDef.set(definition, hit);
    }
    return { ...d, doc: hit.doc, sealed: hit.sealed };
  };
}

function valueAt(spec: unknown, pointer: string): unknown {
  let node: unknown = spec;
  for (const seg of parsePointer(pointer) ?? []) {
    if (Array.isArray(node)) node = node[Number(seg)];
    else if (node && typeof node === "object") node = getOwn(node as PlainObject, seg);
    else return undefined;
  }
  return node;
}

/** A stored spec with its sealed values put back at their paths (where the mask is still there). */
export function unsealSpec(spec: unknown, sopsPaths: unknown, sealed: string | null, decrypt: (s: string) => string): unknown {
  if (!sealed || !Array.isArray(sopsPaths)) return spec;
  const values = JSON.parse(decrypt(sealed)) as Record<string, unknown>;
  const out = structuredClone(spec);
  for (const p of sopsPaths) {
    if (typeof p !== "string") continue;
    const segs = parsePointer(p);
    if (!segs || segs.length === 0) continue;
    let node: unknown = out;
    for (const seg of segs.slice(0, -1)) {
      node = Array.isArray(node) ? node[Number(seg)] : node && typeof node === "object" ? getOwn(node as PlainObject, seg) : undefined;
    }
    const last = segs[segs.length - 1]!;
    if (Array.isArray(node)) {
      const i = Number(last);
      if (typeof node[i] === "string" && (node[i] as string).startsWith("<secret:")) node[i] = values[p];
    } else if (node && typeof node === "object") {
      const cur = getOwn(node as PlainObject, last);
      if (typeof cur === "string" && cur.startsWith("<secret:")) setOwn(node as PlainObject, last, values[p]);
    }
  }
  return out;
}
