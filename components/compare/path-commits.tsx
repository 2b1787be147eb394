"use client";
/**
 * The commits of the branch that changed a definition's path (GET /definitions/{name}/commits),
 * as radio choices with what ran each (applied, dry run, rolled back to); loaded on demand, paged
 * with "Older commits". The rollback dialog picks from it.
 */
import { useState, useTransition } from "react";
import { definitionCommitsAction } from "@/lib/actions/history";
import type { DefinitionCommitView } from "@/lib/api/history";
import { RelativeTime } from "@/components/ui/relative-time";
import { shortSha } from "@/lib/client/format";

export function PathCommits({ name, picked, onPick }: { name: string; picked: string | null; onPick: (sha: string) => void }) {
  const [items, setItems] = useState<DefinitionCommitView[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [path, setPath] = useState<string>("");
  const [error, setError] = useState<string | null>(null);
  const [loading, start] = useTransition();

  const load = (after?: string) =>
    start(async () => {
      const r = await definitionCommitsAction({ name, cursor: after });
      if (!r.ok) return setError(r.error.message);
      setError(null);
      setPath(r.data.path);
      setItems((prev) => [...(after ? (prev ?? []) : []), ...r.data.items]);
      setCursor(r.data.nextCursor);
    });

  if (items === null) {
    return (
      <div className="text-sm">
        <button type="button" className="text-sky-700 underline dark:text-sky-300" onClick={() => load()} disabled={loading} data-testid="load-path-commits">
          {loading ? "Loading commits…" : "Show every commit that changed the definition's path"}
        </button>
        {error ? <p className="text-red-700 dark:text-red-300">{error}</p> : null}
      </div>
    );
  }
  return (
    <fieldset>
      <legend className="mb-1 font-medium">
        Commits that changed <span className="font-mono">{path}</span>
      </legend>
      <ul className="max-h-56 space-y-1 overflow-auto rounded border border-slate-200 p-1 dark:border-slate-700" data-testid="path-commits">
        {items.length === 0 ? <li className="px-2 py-1 text-slate-500">No commit on the branch changed this path.</li> : null}
        {items.map((m) => (
          <li key={m.sha} data-testid="path-commit" data-sha={m.sha}>
            <label className="flex cursor-pointer items-start gap-2 rounded px-2 py-1 hover:bg-slate-50 dark:hover:bg-slate-800">
              <input type="radio" name="rollback-path-commit" value={m.sha} checked={picked === m.sha} onChange={() => onPick(m.sha)} className="mt-1" />
              <span className="min-w-0">
                <span className="font-mono text-xs">{shortSha(m.sha)}</span>{" "}
                {m.current ? <span className="text-xs text-emerald-700 dark:text-emerald-300">(current)</span> : null}{" "}
                <span className="truncate">{m.message.split("\n")[0]}</span>
                <span className="block text-xs text-slate-500">
                  {m.author.replace(/\s*<[^>]*>$/, "")}, <RelativeTime iso={m.time} />
                  {m.applied ? (
                    <>
                      {" "}
                      · applied <RelativeTime iso={m.applied.at} />
                    </>
                  ) : null}
                  {m.rolledBackTo ? (
                    <>
                      {" "}
                      · rolled back to <RelativeTime iso={m.rolledBackTo.at} />
                    </>
                  ) : null}
                  {m.dryRun && !m.applied ? " · dry run only" : null}
                  {!m.applied && !m.rolledBackTo && !m.dryRun ? " · never synced" : null}
                </span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      {cursor ? (
        <button type="button" className="mt-1 text-sm text-sky-700 underline dark:text-sky-300" onClick={() => load(cursor)} disabled={loading}>
          {loading ? "Loading…" : "Older commits"}
        </button>
      ) : null}
      {error ? <p className="text-sm text-red-700 dark:text-red-300">{error}</p> : null}
    </fieldset>
  );
}
