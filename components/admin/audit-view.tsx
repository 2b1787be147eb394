/** The audit log, newest first. */
import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";

export function AuditView({ events, nextCursor, action }: { events: { id: string; at: string; actor: string; action: string; target: string | null; result: string; details: string }[]; nextCursor: string | null; action: string }) {
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
      <form method="get" className="flex items-end gap-2 text-sm">
        <label className="font-medium">
          Action
          <input name="action" defaultValue={action} placeholder="sync.start" className="mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900" />
        </label>
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-1 dark:border-slate-700">Filter</button>
      </form>
      <div className="overflow-x-auto">
        <table className="w-full min-w-[720px] text-left text-sm">
          <thead className="text-slate-500">
            <tr><th className="py-2">When</th><th>Actor</th><th>Action</th><th>Target</th><th>Result</th><th>Details</th></tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id} className="border-t border-slate-200 align-top dark:border-slate-800">
                <td className="py-1.5"><RelativeTime iso={e.at} /></td>
                <td>{e.actor}</td>
                <td className="font-mono text-xs">{e.action}</td>
                <td className="break-all">{e.target ?? "—"}</td>
                <td className={e.result === "ok" ? "" : "font-medium text-red-700 dark:text-red-300"}>{e.result}</td>
                <td className="max-w-xs truncate font-mono text-xs text-slate-500" title={e.details}>{e.details === "{}" ? "" : e.details}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {nextCursor ? <Link href={`/admin/audit?cursor=${nextCursor}${action ? `&action=${encodeURIComponent(action)}` : ""}`} className="text-sm text-sky-700 underline dark:text-sky-300">Older →</Link> : null}
    </section>
  );
}
