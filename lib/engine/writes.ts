/**
 * What applying a plan writes to the store, as data: the rows to create, update, mark invalid,
 * delete or leave orphaned, and the unchanged rows whose status stamps must be renewed. Pure;
 * the data layer (lib/server/data/runs.ts) turns it into one transaction.
 */
import type { Plan, ResourceKey } from "./types";
import { contentHash, docContentHash } from "./canonical";
import { resourceKeyString } from "./resource-key";

export interface ResourceWrite {
  key: ResourceKey;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: unknown;
  hash: string;
  sourcePath: string;
  sourceLine: number;
  /** SOPS-decrypted secret paths (JSON pointers into spec) and their sealed cleartext; null when none */
  sopsPaths?: string[] | null;
  sealed?: string | null;
}

export interface ResourceWrites {
  creates: ResourceWrite[];
  updates: (ResourceWrite & { id: string; bumpGeneration: boolean })[];
  /** ids of unchanged resources that must follow the definition's status.gitSync stamps again */
  touches: string[];
  /** unchanged resources already following them: nothing to write (counted for progress) */
  untouched: number;
  /** invalid in Git but present live: keep the last good spec, record the error */
  errors: { id: string; message: string }[];
  deletes: string[];
  /** managed resources that left Git but were not pruned */
  orphans: string[];
}

/** A stored row as the writes need it: its id, and its spec where the plan updates it. */
export interface StoredRow {
  id: string;
  spec: unknown;
}

/**
 * `rows` are the stored rows the plan was made against, by resourceKeyString; `followsStamps`
 * says whether an unchanged row already shows the definition's stamps (then it is not written).
 */
export function buildWrites<R extends StoredRow>(plan: Plan, rows: ReadonlyMap<string, R>, followsStamps: (row: R) => boolean): ResourceWrites {
  const w: ResourceWrites = { creates: [], updates: [], touches: [], untouched: 0, errors: [], deletes: [], orphans: [] };
  for (const c of plan.changes) {
    const live = rows.get(resourceKeyString(c.key));
    const d = c.desired;
    const content =
      d && (c.action === "create" || c.action === "update")
        ? {
            key: c.key,
            labels: d.doc.metadata.labels ?? {},
            annotations: d.doc.metadata.annotations ?? {},
            spec: d.doc.spec ?? {},
            sourcePath: d.sourcePath,
            sourceLine: d.sourceLine,
            // absent: the row's sealed values are cleared (the data layer writes null)
            ...(d.sealed && d.secretPaths ? { sopsPaths: d.secretPaths, sealed: d.sealed } : {}),
          }
        : undefined;
    switch (c.action) {
      case "create":
        if (content && d) w.creates.push({ ...content, hash: docContentHash(d.doc) });
        break;
      case "update":
        if (content && d && live) {
          // the generation moves only when the spec does (labels and annotations are metadata)
          const specChanged =
            contentHash({ spec: live.spec, labels: {}, annotations: {} }) !== contentHash({ spec: content.spec, labels: {}, annotations: {} });
          w.updates.push({ ...content, hash: docContentHash(d.doc), id: live.id, bumpGeneration: specChanged });
        }
        break;
      case "unchanged":
        // a row already following the definition's stamps moves with them: no write
        if (live && followsStamps(live)) w.untouched++;
        else if (live) w.touches.push(live.id);
        break;
      case "invalid":
        if (live) w.errors.push({ id: live.id, message: c.error ?? "invalid" });
        break;
      case "delete":
        if (live) w.deletes.push(live.id);
        break;
      case "skipped":
        if (live) w.orphans.push(live.id);
        break;
    }
  }
  return w;
}
