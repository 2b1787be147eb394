"use client";
/** Suspend / resume automation for one definition: a reason is required, an expiry optional. */
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { exactTime, relativeTime } from "@/lib/client/format";
import type { Suspension } from "@/lib/api/views";

async function post(path: string, body?: unknown): Promise<string | null> {
  const r = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) });
  if (r.ok) return null;
  const j = (await r.json().catch(() => null)) as { error?: { message?: string } } | null;
  return j?.error?.message ?? `request failed (${r.status})`;
}

export function SuspendControl({ definition, suspension, canOperate }: { definition: string; suspension: Suspension | null; canOperate: boolean }) {
  const router = useRouter();
  const [reason, setReason] = useState("");
  const [until, setUntil] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const base = `/api/v1/definitions/${encodeURIComponent(definition)}`;

  if (suspension) {
    return (
      <div data-testid="suspension" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950">
        <p className="font-medium">Automation suspended{suspension.by ? ` by ${suspension.by}` : ""}</p>
        <p className="mt-1">{suspension.reason}</p>
        {suspension.until ? (
          <p className="mt-1 text-xs text-slate-600 dark:text-slate-400" title={exactTime(suspension.until)}>
            resumes by itself {relativeTime(suspension.until)}
          </p>
        ) : null}
        {canOperate ? (
          <button
            type="button"
            disabled={pending}
            className="mt-2 rounded-md border border-slate-300 px-3 py-1 font-medium hover:bg-white disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-900"
            onClick={() =>
              start(async () => {
                setError(await post(`${base}/unsuspend`));
                router.refresh();
              })
            }
          >
            Resume automation
          </button>
        ) : null}
        {error ? (
          <p role="alert" className="mt-2 text-red-600">
            {error}
          </p>
        ) : null}
      </div>
    );
  }
  if (!canOperate) return null;
  return (
    <form
      className="flex flex-wrap items-end gap-2 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const err = await post(`${base}/suspend`, { reason, ...(until ? { until: new Date(until).toISOString() } : {}) });
          setError(err);
          if (!err) {
            setReason("");
            setUntil("");
            router.refresh();
          }
        });
      }}
    >
      <label className="font-medium">
        Reason
        <input
          required
          minLength={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="change freeze, incident 42…"
          className="mt-1 block w-64 rounded-md border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700"
        />
      </label>
      <label className="font-medium">
        Until (optional)
        <input
          type="datetime-local"
          value={until}
          onChange={(e) => setUntil(e.target.value)}
          className="mt-1 block rounded-md border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700"
        />
      </label>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md border border-amber-400 px-3 py-1 font-medium text-amber-800 hover:bg-amber-50 disabled:opacity-60 dark:text-amber-300 dark:hover:bg-amber-950"
      >
        Suspend automation
      </button>
      {error ? (
        <p role="alert" className="w-full text-red-600">
          {error}
        </p>
      ) : null}
    </form>
  );
}
