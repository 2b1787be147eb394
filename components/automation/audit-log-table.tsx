"use client";
/** The admin audit log: filters in the URL-less form, pages by cursor, and a JSON export of what the filters match. */
import { useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { exactTime, relativeTime } from "@/lib/client/format";
import type { AuditEventView } from "@/lib/api/contract";

export type AuditRow = AuditEventView;

interface Filters {
  action: string;
  actor: string;
  target: string;
  result: string;
  since: string;
  until: string;
}

const empty: Filters = { action: "", actor: "", target: "", result: "", since: "", until: "" };

function toQuery(f: Filters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (!v) continue;
    q.set(k, k === "since" || k === "until" ? new Date(v).toISOString() : v);
  }
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}

const resultStyle: Record<string, string> = {
  ok: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200",
  denied: "bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200",
  error: "bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-200",
};

export function AuditLogTable({ actions, initial }: { actions: string[]; initial: { items: AuditRow[]; nextCursor: string | null } }) {
  const [draft, setDraft] = useState<Filters>(empty);
  const [filters, setFilters] = useState<Filters>(empty);
  const isInitial = toQuery(filters) === "";
  const q = useInfiniteQuery({
    queryKey: ["audit", filters],
    initialPageParam: "",
    queryFn: async ({ pageParam }) => {
      const r = await fetch(`/api/v1/audit?${toQuery(filters, { limit: "100", ...(pageParam ? { cursor: pageParam } : {}) })}`);
      const j = await r.json();
      if (!r.ok) throw new Error(j?.error?.message ?? `HTTP ${r.status}`);
      return j as { items: AuditRow[]; nextCursor: string | null };
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    ...(isInitial ? { initialData: { pages: [initial], pageParams: [""] } } : {}),
  });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  const field = (k: keyof Filters, label: string, props: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <label className="text-xs font-medium">
      {label}
      <input
        value={draft[k]}
        onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
        className="mt-1 block rounded-md border border-slate-300 bg-transparent px-2 py-1 text-sm dark:border-slate-700"
        {...props}
      />
    </label>
  );
  return (
    <section className="space-y-4">
      <form
        aria-label="Audit filters"
        className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        {field("action", "Action", { list: "audit-actions", placeholder: "sync.* or definition.suspend" })}
        <datalist id="audit-actions">
          {actions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        {field("actor", "Who")}
        {field("target", "Target")}
        <label className="text-xs font-medium">
          Result
          <select
            value={draft.result}
            onChange={(e) => setDraft({ ...draft, result: e.target.value })}
            className="mt-1 block rounded-md border border-slate-300 bg-transparent px-2 py-1 text-sm dark:border-slate-700"
          >
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="denied">denied</option>
            <option value="error">error</option>
          </select>
        </label>
        {field("since", "From", { type: "datetime-local" })}
        {field("until", "To", { type: "datetime-local" })}
        <button type="submit" className="rounded-md bg-sky-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-700">
          Apply
        </button>
        <button
          type="button"
          onClick={() => (setDraft(empty), setFilters(empty))}
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-700"
        >
          Clear
        </button>
        <a
          href={`/api/v1/audit?${toQuery(filters, { format: "json" })}`}
          download
          className="ml-auto rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium dark:border-slate-700"
        >
          Export JSON
        </a>
      </form>
      {q.error ? (
        <p role="alert" className="text-sm text-red-600">
          {(q.error as Error).message}
        </p>
      ) : null}
      <table className="w-full text-left text-sm" data-testid="audit-table">
        <thead className="text-xs text-slate-500 uppercase">
          <tr>
            <th className="py-2 pr-3">When</th>
            <th className="py-2 pr-3">Who</th>
            <th className="py-2 pr-3">Action</th>
            <th className="py-2 pr-3">Target</th>
            <th className="py-2 pr-3">Result</th>
            <th className="py-2">Details</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className="border-t border-slate-100 align-top dark:border-slate-800">
              <td className="py-1.5 pr-3 whitespace-nowrap" title={exactTime(r.at)}>
                {relativeTime(r.at)}
              </td>
              <td className="py-1.5 pr-3">
                {r.actor} <span className="text-xs text-slate-500">{r.actorType}</span>
              </td>
              <td className="py-1.5 pr-3 font-mono text-xs">{r.action}</td>
              <td className="py-1.5 pr-3 break-all">{r.target ?? "—"}</td>
              <td className="py-1.5 pr-3">
                <span className={`rounded px-1.5 py-0.5 text-xs ${resultStyle[r.result] ?? ""}`}>{r.result}</span>
              </td>
              <td className="py-1.5">
                {r.details && Object.keys(r.details as object).length > 0 ? (
                  <details>
                    <summary className="cursor-pointer text-xs text-slate-500">show</summary>
                    <pre className="mt-1 max-w-md overflow-x-auto text-xs">{JSON.stringify(r.details, null, 2)}</pre>
                  </details>
                ) : null}
              </td>
            </tr>
          ))}
          {rows.length === 0 && !q.isFetching ? (
            <tr>
              <td colSpan={6} className="py-6 text-center text-slate-500">
                No events match these filters.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {q.hasNextPage ? (
        <button
          type="button"
          disabled={q.isFetchingNextPage}
          onClick={() => q.fetchNextPage()}
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-700"
        >
          {q.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </section>
  );
}
