/**
 * The one view of a resource document as Syncline shows it (YAML side by side, run records,
 * the resource page): kind, name, namespace when set, labels and annotations only when
 * non-empty, and the spec with the definition's secret values masked. The planner diffs these
 * views, so what is shown is exactly what was compared.
 */
import type { LiveResource, ResourceDoc } from "./types";
import { nonEmptyMap } from "./canonical";
import type { SpecMask } from "./redact";

/** A document from Git, as shown. */
export function docView(doc: ResourceDoc, mask?: SpecMask): ResourceDoc {
  const m = doc.metadata;
  // the key as collect.ts builds it (namespace "" when Cluster-scoped): it salts the mask
  const key = { kind: doc.kind, namespace: m.namespace ?? "", name: m.name };
  return buildView(doc.kind, m.name, m.namespace, m.labels, m.annotations, mask ? mask(doc.spec, key) : doc.spec);
}

/** A stored resource, as shown. */
export function liveDocView(live: Pick<LiveResource, "key" | "labels" | "annotations" | "spec">, mask?: SpecMask): ResourceDoc {
  return buildView(live.key.kind, live.key.name, live.key.namespace, live.labels, live.annotations, mask ? mask(live.spec, live.key) : live.spec);
}

function buildView(
  kind: string,
  name: string,
  namespace: string | undefined,
  labels: Record<string, string> | undefined,
  annotations: Record<string, string> | undefined,
  spec: unknown,
): ResourceDoc {
  const metadata: ResourceDoc["metadata"] = { name };
  if (namespace) metadata.namespace = namespace;
  const l = nonEmptyMap(labels);
  const a = nonEmptyMap(annotations);
  if (l) metadata.labels = l;
  if (a) metadata.annotations = a;
  return { kind, metadata, spec: spec === undefined ? {} : spec };
}
