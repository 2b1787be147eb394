"use client";
/**
 * The definition's source selection on its page (issue 20): target namespace and include /
 * exclude globs; "why is nothing syncing" for a definition with no resources (the kinds found
 * under the path and the first kinds of file problem, from GET /definitions/{name}/diff); and a
 * file search that says which glob or .sourceignore file left a file out
 * (GET /definitions/{name}/source-files?q=).
 */
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { DiffView, SourceFilesView } from "@/lib/api/contract";
import { discover } from "@/lib/api/discovery";
import type { DefinitionSummary } from "@/lib/api/views";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url, { headers: { accept: "application/json" } });
  const body = (await r.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  if (!r.ok || !body) throw new Error(body?.error?.message ?? `HTTP ${r.status}`);
  return body;
}

type Gitops = NonNullable<DefinitionSummary["gitops"]>;

export function SourceSettings({ gitops }: { gitops: Gitops }) {
  const globs = (g?: string[]) => (g && g.length ? g.join(", ") : null);
  return (
    <>
      <dt className="text-slate-500">Target namespace</dt>
      <dd className="font-mono" data-testid="target-namespace">
        {gitops.targetNamespace
          ? `${gitops.targetNamespace}${gitops.forceNamespace ? " (forced for every document)" : " (for documents without one)"}`
          : "— (documents must name their namespace)"}
      </dd>
      <dt className="text-slate-500">Files</dt>
      <dd className="break-all font-mono" data-testid="source-globs">
        include {globs(gitops.include) ?? "**/*.{json,yaml,yml}"}
        {globs(gitops.exclude) ? `; exclude ${globs(gitops.exclude)}` : ""}; .sourceignore honoured
      </dd>
    </>
  );
}

/** Shown when the definition has no resources: what its path holds, so "why is nothing syncing" has an answer. */
export function WhyNothingSyncs({ name, kind }: { name: string; kind: string }) {
  const q = useQuery({
    queryKey: ["discovery", name],
    queryFn: () => getJson<DiffView>(`/api/v1/definitions/${encodeURIComponent(name)}/diff`),
    staleTime: 30_000,
    retry: false,
  });
  return (
    <section className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm dark:border-amber-900 dark:bg-amber-950/40" data-testid="discovery">
      <h2 className="font-medium">Why is nothing syncing?</h2>
      {q.isPending ? <p className="mt-1 text-slate-600 dark:text-slate-400">Reading the path at the branch head…</p> : null}
      {q.isError ? <p className="mt-1 text-red-700 dark:text-red-300">{q.error.message}</p> : null}
      {q.data ? <DiscoveryBody kind={kind} diff={q.data} /> : null}
    </section>
  );
}

function DiscoveryBody({ kind, diff }: { kind: string; diff: DiffView }) {
  const d = discover(kind, diff);
  return (
    <div className="mt-2 space-y-2">
      {d.hint ? (
        <p className="font-medium" data-testid="discovery-hint">
          {d.hint}
        </p>
      ) : null}
      <div>
        <h3 className="text-slate-600 dark:text-slate-400">Kinds found under the path</h3>
        {d.kinds.length ? (
          <ul className="flex flex-wrap gap-x-4" data-testid="discovery-kinds">
            {d.kinds.map((k) => (
              <li key={k.kind} data-kind={k.kind} data-count={k.count} className={k.ours ? "font-semibold" : ""}>
                <span className="font-mono">{k.kind}</span> × {k.count}
              </li>
            ))}
          </ul>
        ) : (
          <p>no documents</p>
        )}
      </div>
      {d.problems.length ? (
        <div>
          <h3 className="text-slate-600 dark:text-slate-400">
            File problems ({diff.fileProblems.length}
            {d.problemKinds > d.problems.length ? `, first ${d.problems.length} of ${d.problemKinds} kinds` : ""})
          </h3>
          <ul data-testid="discovery-problems">
            {d.problems.map((p) => (
              <li key={p.what} data-count={p.count}>
                {p.count} × {p.example} <span className="font-mono text-slate-500">(first: {p.first})</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {d.excludedFiles ? <p className="text-slate-600 dark:text-slate-400">{d.excludedFiles} files left out by include / exclude / .sourceignore</p> : null}
    </div>
  );
}

/** "Is my file read?": searches the files under the path and says which rule left one out. */
export function FileSearch({ name }: { name: string }) {
  const [text, setText] = useState("");
  const [result, setResult] = useState<SourceFilesView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setResult(await getJson<SourceFilesView>(`/api/v1/definitions/${encodeURIComponent(name)}/source-files?q=${encodeURIComponent(text)}`));
    } catch (err) {
      setResult(null);
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <summary className="cursor-pointer text-sm font-medium">Is a file read? Search the files under the path</summary>
      <form onSubmit={submit} className="mt-3 flex gap-2">
        <label className="sr-only" htmlFor="file-search">
          File path or part of one
        </label>
        <input
          id="file-search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="e.g. templates/deployment.yaml"
          className="min-w-0 flex-1 rounded border border-slate-300 px-2 py-1 font-mono text-sm dark:border-slate-700 dark:bg-slate-950"
        />
        <Button type="submit" busy={busy} disabled={text.trim() === ""}>
          Search
        </Button>
      </form>
      {error ? (
        <div className="mt-2">
          <Alert title={error} />
        </div>
      ) : null}
      {result ? (
        <div className="mt-2 text-sm" data-testid="file-search-results">
          {result.matches.length === 0 ? (
            <p>
              No file under {result.path} matches “{result.query}” at this commit.
            </p>
          ) : null}
          <ul className="space-y-0.5">
            {result.matches.map((m) => (
              <li key={m.path} data-path={m.path} data-status={m.status}>
                <span className="font-mono">{m.path}</span>:{" "}
                {m.status === "read" ? (
                  <span className="text-emerald-700 dark:text-emerald-300">read</span>
                ) : (
                  <span className="text-amber-700 dark:text-amber-300">left out by {m.because}</span>
                )}
              </li>
            ))}
          </ul>
          {result.truncated ? <p className="text-slate-500">More files match; type more of the path.</p> : null}
        </div>
      ) : null}
    </details>
  );
}
