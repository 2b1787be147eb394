"use client";
/**
 * "Sync this resource" and "Revert drift" (issue 21): one resource, one run with one change.
 * The same confirmation rules as a full sync: production definitions need their name typed.
 */
import { useState, useTransition } from "react";
import { useRouter, useSearchParams } from "next/navigation";
import { resourceSyncAction } from "@/lib/actions/resource-sync";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Alert } from "@/components/ui/alert";
import { roleAtLeast } from "@/lib/api/roles";

export interface ResourceActionsProps {
  definition: string;
  namespace: string;
  name: string;
  production: boolean;
  role: string;
  drifted: boolean;
  /** what a sync would do to it ("update", "create", "unchanged", "invalid", "absent", …), null when Git could not be read */
  gitAction: string | null;
  compact?: boolean;
}

export function ResourceActions(p: ResourceActionsProps) {
  const router = useRouter();
  // a table row's "Sync…" / "Revert drift…" link opens the confirmation (?action=sync|revert)
  const asked = useSearchParams().get("action");
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const label = `${p.namespace ? `${p.namespace}/` : ""}${p.name}`;
  const canOperate = roleAtLeast(p.role, "operator");
  const roleReason = canOperate ? null : `Requires the operator role (you are ${p.role})`;
  const syncReason =
    roleReason ??
    (p.gitAction === "absent" || p.gitAction === "delete" || p.gitAction === "skipped"
      ? "Git no longer has this resource"
      : p.gitAction === "invalid"
        ? "Git's version does not validate"
        : p.gitAction === "unchanged" && !p.drifted
          ? "Already matches Git"
          : null);
  const revertReason = roleReason ?? (p.drifted ? null : "Not drifted");
  const [mode, setMode] = useState<"sync" | "revert" | null>(asked === "sync" && !syncReason ? "sync" : asked === "revert" && !revertReason ? "revert" : null);

  const run = (m: "sync" | "revert") =>
    start(async () => {
      setError(null);
      const r = await resourceSyncAction({ definition: p.definition, namespace: p.namespace, name: p.name, mode: m });
      if (!r.ok) {
        setError(r.error.message);
        return;
      }
      setMode(null);
      router.push(`/runs/${r.data.runId}`);
    });

  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="resource-actions">
      <Button disabledReason={syncReason ?? (pending ? "Working…" : null)} onClick={() => setMode("sync")}>
        Sync this resource
      </Button>
      <Button disabledReason={revertReason ?? (pending ? "Working…" : null)} onClick={() => setMode("revert")}>
        Revert drift
      </Button>
      {error && mode === null ? <Alert>{error}</Alert> : null}
      <ConfirmDialog
        open={mode !== null}
        title={mode === "revert" ? `Revert drift of ${label}?` : `Sync ${label} from Git?`}
        confirmLabel={mode === "revert" ? "Revert drift" : "Sync this resource"}
        tone="primary"
        requireText={p.production ? p.definition : null}
        busy={pending}
        error={error}
        onCancel={() => setMode(null)}
        onConfirm={() => mode && run(mode)}
      >
        <p>
          {mode === "revert"
            ? "Puts back the version the last sync applied, replacing the change made outside Git."
            : "Applies Git's version of this one resource (the branch head, or the pin). Nothing else changes."}{" "}
          Recorded as a run with one change.
        </p>
      </ConfirmDialog>
    </div>
  );
}
