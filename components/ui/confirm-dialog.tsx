"use client";
/**
 * The one confirmation for every destructive action (sync, rollback, delete, revoke).
 * A native <dialog> opened modally: focus is trapped, Escape cancels. For production
 * definitions `requireText` makes the person type the name before the button unlocks.
 */
import { useEffect, useId, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button-class";

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: React.ReactNode;
  confirmLabel: string;
  tone?: "danger" | "primary";
  /** the exact text to type before confirming (e.g. the definition name); spaces around what is typed are ignored */
  requireText?: string | null;
  /** why typing is asked, shown before "Type X to confirm" (e.g. "This definition is marked production.") */
  requireReason?: React.ReactNode;
  /** disables confirm (e.g. while the plan is still loading) */
  confirmDisabled?: boolean;
  busy?: boolean;
  error?: string | null;
  wide?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** The reason a production definition's actions ask for the typed name. */
export const PRODUCTION_REASON = (
  <>
    This definition is marked <strong>production</strong>.
  </>
);

export function ConfirmDialog(p: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState("");
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (p.open && !d.open) {
      setTyped("");
      d.showModal();
    } else if (!p.open && d.open) d.close();
  }, [p.open]);
  const textOk = !p.requireText || typed.trim() === p.requireText;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid="confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        if (!p.busy) p.onCancel();
      }}
      className={`m-auto w-[calc(100%-2rem)] ${p.wide ? "max-w-5xl" : "max-w-lg"} rounded-xl border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100`}
    >
      {p.open ? (
        <form
          method="dialog"
          className="flex max-h-[85vh] flex-col"
          onSubmit={(e) => {
            e.preventDefault();
            if (textOk && !p.busy && !p.confirmDisabled) p.onConfirm();
          }}
        >
          <h2 id={titleId} className="border-b border-slate-200 px-5 py-3 text-lg font-semibold dark:border-slate-700">
            {p.title}
          </h2>
          <div className="min-h-0 flex-1 space-y-3 overflow-auto px-5 py-4 text-sm">
            {p.children}
            {p.requireText ? (
              <label className="block">
                <span>
                  {p.requireReason ? <>{p.requireReason} </> : null}Type{" "}
                  <code className="rounded bg-slate-100 px-1 font-mono dark:bg-slate-800">{p.requireText}</code> to confirm.
                </span>
                <input
                  autoFocus
                  value={typed}
                  onChange={(e) => setTyped(e.target.value)}
                  aria-label="Type the definition name to confirm"
                  className="mt-1 block w-full rounded-md border border-slate-300 bg-transparent px-3 py-1.5 font-mono dark:border-slate-700"
                />
              </label>
            ) : null}
            {p.error ? <Alert>{p.error}</Alert> : null}
          </div>
          <div className="flex justify-end gap-2 border-t border-slate-200 px-5 py-3 dark:border-slate-700">
            <button type="button" className={buttonClass("secondary")} onClick={p.onCancel} disabled={p.busy}>
              Cancel
            </button>
            <button
              type="submit"
              autoFocus={!p.requireText}
              className={buttonClass(p.tone === "primary" ? "primary" : "danger")}
              disabled={!textOk || p.busy || p.confirmDisabled}
            >
              {p.busy ? "Working…" : p.confirmLabel}
            </button>
          </div>
        </form>
      ) : null}
    </dialog>
  );
}
