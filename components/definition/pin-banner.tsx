"use client";
/** Shown while a rollback pins the definition to a commit; Resume unpins it. */
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { resumeAction } from "@/lib/actions/definitions";
import { roleAtLeast } from "@/lib/api/roles";
import { Button } from "@/components/ui/button";
import { CopySha } from "@/components/ui/copy-sha";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

export function PinBanner({ name, revision, by, branch, role }: { name: string; revision: string; by: string | null; branch: string | null; role: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const canResume = roleAtLeast(role, "operator") ? null : `Requires the operator role (you are ${role})`;
  return (
    <div
      data-testid="pin-banner"
      role="status"
      className="flex flex-wrap items-center gap-3 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
    >
      <span aria-hidden className="text-lg">
        ⚑
      </span>
      <p className="min-w-0 flex-1">
        Pinned to <CopySha sha={revision} />
        {by ? ` by ${by}` : ""} after a rollback. Syncs apply this commit{branch ? `, not the head of ${branch},` : ""} until you resume.
      </p>
      <Button variant="secondary" disabledReason={canResume} busy={pending} onClick={() => setOpen(true)}>
        Resume
      </Button>
      <ConfirmDialog
        open={open}
        title={`Resume ${name}?`}
        confirmLabel="Resume"
        tone="primary"
        busy={pending}
        error={error}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          start(async () => {
            const r = await resumeAction({ name });
            if (!r.ok) return setError(r.error.message);
            setOpen(false);
            router.refresh();
          })
        }
      >
        <p>The pin is removed; the next sync (manual or automated) follows the branch head{branch ? ` of ${branch}` : ""} again.</p>
      </ConfirmDialog>
    </div>
  );
}
