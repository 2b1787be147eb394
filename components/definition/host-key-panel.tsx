"use client";
/**
 * An SSH host-key failure of the last run, said plainly: the host, the fingerprint it presents
 * (and, on a mismatch, the trusted ones). Admins get "Trust this key": a confirmation that shows
 * the fingerprint; the server trusts the key only if the host still presents exactly that one
 * (audited). A changed key is never accepted without this step.
 */
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { addKnownHostAction } from "@/lib/actions/ssh-known-hosts";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { HostKeyProblem } from "@/components/definition/host-key-problem";

export function HostKeyPanel({ problem, role }: { problem: HostKeyProblem; role: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const where = `${problem.host}:${problem.port}`;
  const mismatch = problem.code === "SSH_HOST_KEY_MISMATCH";
  return (
    <div data-testid="host-key-panel">
      <Alert title={mismatch ? `The SSH host key of ${where} changed` : `The SSH host key of ${where} is not trusted yet`}>
        <p>
          {where} presents {problem.keyType} <code data-testid="host-key-fingerprint">{problem.fingerprint}</code>.
          {mismatch ? (
            <>
              {" "}
              The trusted key{problem.trusted.length > 1 ? "s are" : " is"} <code>{problem.trusted.join(", ")}</code>. This happens when the Git host rotated
              its key — or when something is in the way. Nothing was fetched.
            </>
          ) : (
            " Nothing was fetched. Compare the fingerprint with the one your Git host publishes before trusting it."
          )}
        </p>
        {role === "admin" ? (
          <div className="mt-2">
            <Button type="button" variant={mismatch ? "danger" : "primary"} onClick={() => setOpen(true)}>
              Trust this key
            </Button>
          </div>
        ) : (
          <p className="mt-2 text-sm">An admin can trust this key.</p>
        )}
      </Alert>
      {done ? <Alert kind="success">{done}</Alert> : null}
      <ConfirmDialog
        open={open}
        title={`Trust this SSH host key for ${where}?`}
        confirmLabel="Trust this key"
        tone={mismatch ? "danger" : "primary"}
        busy={pending}
        error={error}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          start(async () => {
            setError(null);
            const r = await addKnownHostAction({ host: problem.host, port: problem.port, fingerprint: problem.fingerprint });
            if (!r.ok) return setError(r.error.message);
            setOpen(false);
            setDone(`Trusted ${r.data.keyType} ${r.data.fingerprint} for ${where}. Sync again to fetch.`);
            router.refresh();
          })
        }
      >
        <p>
          {problem.keyType} <code>{problem.fingerprint}</code>
        </p>
        <p className="mt-2">
          Only trust it if this is the fingerprint your Git host publishes.
          {mismatch ? " The old key stays listed under Admin → SSH host keys until you remove it." : ""} This is recorded in the audit log.
        </p>
      </ConfirmDialog>
    </div>
  );
}
