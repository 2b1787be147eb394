/** The refresh API: reconcile one definition now, under its lease, and audit who asked. */
import "server-only";
import { findDefinition } from "@/lib/server/data/definitions";
import { AppError, notFound } from "@/lib/server/errors";
import { audit } from "@/lib/server/services/audit";
import { reconcileNow } from "@/lib/server/runtime/refresh-queue";
import { coalescedRefresh } from "@/lib/server/services/refresh-throttle";
import type { Principal } from "@/lib/server/auth/principal";

export interface RefreshAnswer {
  definition: string;
  /** true when another replica holds the definition right now; it will be refreshed there */
  queued: boolean;
  kind: string | null;
  head: string | null;
  drifted: number | null;
  error: string | null;
  sync: unknown;
}

export async function refreshNow(name: string, who: Principal): Promise<RefreshAnswer> {
  const row = await findDefinition(name);
  if (!row) throw notFound(`definition ${name}`);
  if (!row.gitops) throw new AppError("BAD_REQUEST", `definition ${name} has no gitops section`);
  // coalesced per definition (issue 19 L6): one in flight is joined, a recent answer reused
  const { value: r, how } = await coalescedRefresh(`reconcile:${row.id}`, () => reconcileNow(row.id));
  const coalesced = how === "fresh" ? {} : { coalesced: how };
  await audit(who, "definition.refresh", name, "ok", r ? { kind: r.refresh?.kind ?? null, sync: r.sync, ...coalesced } : { queued: true, ...coalesced });
  return {
    definition: name,
    queued: r === null,
    kind: r?.refresh?.kind ?? null,
    head: r?.refresh?.head ?? null,
    drifted: r?.refresh?.drifted ?? null,
    error: r?.refresh?.error ?? null,
    sync: r?.sync ?? null,
  };
}
