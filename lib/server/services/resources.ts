/**
 * Resources through the API: the seed's shape in and out, specs validated against the
 * definition's schema (422 with a JSON pointer per error). A change to a Git-managed
 * resource is allowed — that is how drift happens — and is audited.
 */
import "server-only";
import { resourceInputSchema } from "@/lib/engine/definition-input";
import { compileSpecValidator } from "@/lib/engine/validate";
import { validateSpecs } from "@/lib/server/validation/validate-specs";
import { contentHash } from "@/lib/engine/canonical";
import { findOwnKeyPath, getOwn, isPlainObject, setOwn } from "@/lib/engine/plain-object";
import { isDrifted } from "@/lib/engine/status";
import { hasOwnKeyDeep } from "@/lib/engine/collect";
import { yieldToEventLoop } from "@/lib/engine/time-slice";
import { parseLabelSelector } from "@/lib/engine/label-selector";
import { HEALTH_STATUSES, isHealthStatus } from "@/lib/engine/health";
import type { ResourceKey } from "@/lib/engine/types";
import { findDefinitionById, findDefinitionByKind, rowToDefinition, type DefinitionRow } from "@/lib/server/data/definitions";
import {
  createResourceRow,
  deleteResourceRow,
  findResource,
  getResourcesPage,
  updateResourceContent,
  type ResourceFilter,
  type ResourceRow,
} from "@/lib/server/data/resources";
import { AppError, notFound } from "@/lib/server/errors";
import { audit } from "@/lib/server/services/audit";
import type { ResourceView } from "@/lib/api/contract";
import { maskSpec } from "@/lib/server/views/secret-mask";
import { toResourceView } from "@/lib/server/views/resource-document";
import type { Principal } from "@/lib/server/auth/principal";
import { hasCapability } from "@/lib/server/auth/roles";
import { decryptSecret } from "@/lib/server/crypto/secret-box";
import { unsealSpec } from "@/lib/server/services/sync/decrypt-source";

interface SecretPaths {
  /** the definition's name: masks are salted with it (views/secret-mask.ts) */
  definition: string;
  paths: string[];
}

/** spec values at the definition's secretPaths, masked as in diffs and run records (same resource, path and value, same mask) */
async function secretPathsOf(definitionId: string, cache = new Map<string, SecretPaths>()): Promise<SecretPaths> {
  let found = cache.get(definitionId);
  if (!found) {
    const row = await findDefinitionById(definitionId);
    found = { definition: row?.name ?? "", paths: (row?.secretPaths ?? []) as string[] };
    cache.set(definitionId, found);
  }
  return found;
}

async function presentViews(rows: ResourceRow[]): Promise<ResourceView[]> {
  const cache = new Map<string, SecretPaths>();
  const out: ResourceView[] = [];
  for (const row of rows) {
    const s = await secretPathsOf(row.definitionId, cache);
    out.push(toResourceView(row, s.definition, s.paths));
  }
  return out;
}

/** Where `incoming` still holds the mask of the stored value, put the stored value back. */
function unmaskSecrets(incoming: unknown, stored: unknown, key: ResourceKey, secrets: SecretPaths): unknown {
  if (secrets.paths.length === 0) return incoming;
  const masked = maskSpec(stored, secrets.definition, key, secrets.paths);
  const restore = (inc: unknown, msk: unknown, orig: unknown): unknown => {
    if (typeof inc === "string" && inc === msk && inc.startsWith("<secret:")) return orig;
    if (Array.isArray(inc)) return inc.map((x, i) => restore(x, Array.isArray(msk) ? msk[i] : undefined, Array.isArray(orig) ? orig[i] : undefined));
    if (isPlainObject(inc)) {
      const out: Record<string, unknown> = {};
      const own = (o: unknown, k: string) => (isPlainObject(o) ? getOwn(o, k) : undefined);
      for (const k of Object.keys(inc)) setOwn(out, k, restore(inc[k], own(msk, k), own(orig, k)));
      return out;
    }
    return inc;
  };
  return restore(incoming, masked, stored);
}

/** "_" in a URL stands for "no namespace" (Cluster-scoped). */
export function keyFromPath(kind: string, namespace: string, name: string): ResourceKey {
  return { kind, namespace: namespace === "_" ? "" : namespace, name };
}

function keyLabel(k: ResourceKey): string {
  return `${k.kind} ${k.namespace ? `${k.namespace}/` : ""}${k.name}`;
}

async function definitionFor(kind: string): Promise<DefinitionRow> {
  const def = await findDefinitionByKind(kind);
  if (!def) throw new AppError("VALIDATION_FAILED", `no ResourceDefinition for kind ${kind}`, [{ path: "kind", message: "unknown kind" }]);
  return def;
}

async function parseInput(body: unknown, defRow: DefinitionRow) {
  // A large body's stages (JSON scan and parse, the checks here, hashing, the write, reading it
  // back) are each synchronous for tens of ms, and awaiting the embedded store does not give
  // the event loop a turn: yield between them so the server keeps answering (issue 19 H2).
  await yieldToEventLoop();
  // the store's JSON layer silently drops "__proto__" keys: refuse them rather than store less than was sent
  const protoAt = hasOwnKeyDeep(body, "__proto__") ? findOwnKeyPath(body, "__proto__", "")?.slice(1) : undefined;
  if (protoAt) throw new AppError("VALIDATION_FAILED", `${protoAt}: the key "__proto__" is not allowed`, [{ path: protoAt, message: "not allowed" }]);
  const parsed = resourceInputSchema.safeParse(body);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new AppError("VALIDATION_FAILED", `invalid resource: ${details.map((d) => `${d.path}: ${d.message}`).join("; ")}`, details);
  }
  const doc = parsed.data;
  const def = rowToDefinition(defRow);
  const ns = doc.metadata.namespace ?? "";
  if (def.spec.scope === "Namespaced" && !ns) {
    throw new AppError("VALIDATION_FAILED", `metadata.namespace is required: ${doc.kind} is Namespaced`, [{ path: "metadata.namespace", message: "required" }]);
  }
  if (def.spec.scope === "Cluster" && ns) {
    throw new AppError("VALIDATION_FAILED", `metadata.namespace must be absent: ${doc.kind} is Cluster-scoped`, [
      { path: "metadata.namespace", message: "not allowed" },
    ]);
  }
  const v = compileSpecValidator(def.spec.schema);
  if (!v.ok) throw new AppError("INTERNAL", `the definition's schema does not compile: ${v.errors.join("; ")}`);
  const spec = doc.spec ?? {};
  // off the event loop with a time budget when the spec is large (an operator's hostile PUT)
  const [errors = []] = await validateSpecs(def.spec.schema, [spec]);
  await yieldToEventLoop();
  if (errors.length > 0) {
    throw new AppError(
      "SPEC_INVALID",
      `spec does not match the ${def.metadata.name} schema: ${errors.map((e) => `${e.pointer} ${e.message}`).join("; ")}`,
      errors,
    );
  }
  return {
    key: { kind: doc.kind, namespace: ns, name: doc.metadata.name },
    labels: doc.metadata.labels ?? {},
    annotations: doc.metadata.annotations ?? {},
    spec,
  };
}

export async function createResource(body: unknown, who: Principal): Promise<ResourceView> {
  const kind = (body as { kind?: unknown })?.kind;
  if (typeof kind !== "string") throw new AppError("VALIDATION_FAILED", "kind is required", [{ path: "kind", message: "required" }]);
  const defRow = await definitionFor(kind);
  const r = await parseInput(body, defRow);
  if (await findResource(r.key)) throw new AppError("CONFLICT", `${keyLabel(r.key)} already exists`);
  await yieldToEventLoop();
  const row = await createResourceRow({
    definitionId: defRow.id,
    ...r.key,
    labels: r.labels,
    annotations: r.annotations,
    spec: r.spec,
    liveSpecHash: contentHash({ spec: r.spec, labels: r.labels, annotations: r.annotations }),
  });
  await audit(who, "resource.create", keyLabel(r.key));
  return (await presentViews([row]))[0]!;
}

export async function replaceResource(key: ResourceKey, body: unknown, who: Principal): Promise<ResourceView> {
  const existing = await findResource(key);
  if (!existing) throw notFound(keyLabel(key));
  const defRow = await definitionFor(key.kind);
  const r = await parseInput({ kind: key.kind, ...(body as object) }, defRow);
  // a spec read from this API comes back with masked secrets: keep the stored value where the mask is unchanged
  r.spec = unmaskSecrets(r.spec, existing.spec, key, await secretPathsOf(existing.definitionId)) as typeof r.spec;
  if (r.key.name !== key.name || r.key.namespace !== key.namespace) {
    throw new AppError("VALIDATION_FAILED", "metadata.name and metadata.namespace must match the URL", [
      { path: "metadata", message: "does not match the URL" },
    ]);
  }
  await yieldToEventLoop();
  const hash = contentHash({ spec: r.spec, labels: r.labels, annotations: r.annotations });
  const specChanged = hash !== existing.liveSpecHash;
  await yieldToEventLoop();
  const row = await updateResourceContent(existing.id, {
    labels: r.labels,
    annotations: r.annotations,
    spec: r.spec,
    liveSpecHash: hash,
    bumpGeneration: specChanged,
    // a Git-managed resource changed here is out of sync with Git until the next sync (or back in line)
    ...(existing.appliedSpecHash ? { syncStatus: hash === existing.appliedSpecHash ? "Synced" : "OutOfSync" } : {}),
  });
  await yieldToEventLoop();
  await audit(who, "resource.update", keyLabel(key), "ok", {
    gitManaged: existing.managedBy !== null,
    drifted: isDrifted({ appliedSpecHash: existing.appliedSpecHash, liveSpecHash: hash }),
  });
  return (await presentViews([row]))[0]!;
}

export async function getResourceView(key: ResourceKey): Promise<ResourceView> {
  const row = await findResource(key);
  if (!row) throw notFound(keyLabel(key));
  return (await presentViews([row]))[0]!;
}

/**
 * The resource with the cleartext of its secret paths (SOPS-decrypted values unsealed, the
 * definition's secretPaths unmasked): only for the executor role, and every reveal — allowed or
 * refused — is audited with the paths it covers (never the values).
 */
export async function revealResource(key: ResourceKey, who: Principal): Promise<ResourceView> {
  const label = keyLabel(key);
  if (!hasCapability(who.role, "resources.reveal")) {
    await audit(who, "resource.reveal", label, "denied", { role: who.role });
    throw new AppError("FORBIDDEN", `forbidden: only executor tokens may reveal secret values (you are ${who.role})`);
  }
  const row = await findResource(key);
  if (!row) throw notFound(label);
  const view = toResourceView(row, "", []); // no mask
  view.spec = unsealSpec(row.spec, row.sopsPaths, row.sealedValues, decryptSecret);
  const s = await secretPathsOf(row.definitionId);
  await audit(who, "resource.reveal", label, "ok", { sopsPaths: row.sopsPaths ?? [], secretPaths: s.paths });
  return view;
}

export async function removeResource(key: ResourceKey, who: Principal): Promise<void> {
  if (!(await deleteResourceRow(key))) throw notFound(keyLabel(key));
  await audit(who, "resource.delete", keyLabel(key));
}

export async function listResources(q: {
  kind?: string;
  namespace?: string;
  labelSelector?: string;
  cursor?: string;
  limit?: number;
  definitionId?: string;
  /** comma-separated health values (issue 14), e.g. "Degraded,Unknown" */
  health?: string;
}): Promise<{ items: ResourceView[]; nextCursor: string | null }> {
  const filter: ResourceFilter = { kind: q.kind, definitionId: q.definitionId };
  if (q.health) {
    const values = q.health.split(",").map((h) => h.trim());
    const bad = values.find((h) => h !== "None" && !isHealthStatus(h));
    if (bad !== undefined) throw new AppError("BAD_REQUEST", `health: ${JSON.stringify(bad)} is not one of ${HEALTH_STATUSES.join(", ")}, None`);
    filter.health = values;
  }
  if (q.namespace) filter.namespace = q.namespace === "_" ? "" : q.namespace;
  if (q.labelSelector) {
    const sel = parseLabelSelector(q.labelSelector);
    if (!sel.ok) throw new AppError("BAD_REQUEST", `labelSelector: ${sel.error}`);
    filter.labels = sel.selector;
  }
  const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
  const page = await getResourcesPage({ filter, limit, cursor: q.cursor });
  return { items: await presentViews(page.items), nextCursor: page.nextCursor };
}
