"use client";
/**
 * Form fields for the gitops settings a user migrating from Argo CD or Flux looks for (issue 20):
 * targetNamespace, forceNamespace, include and exclude globs. They read and write the JSON in the
 * editor (spec.gitops), so the JSON stays the one document that is saved and checked.
 */
import { useId } from "react";

type Json = Record<string, unknown>;

function readGitops(json: string): { doc: Json; gitops: Json } | null {
  try {
    const doc = JSON.parse(json) as unknown;
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) return null;
    const spec = (doc as Json).spec;
    if (!spec || typeof spec !== "object" || Array.isArray(spec)) return null;
    const gitops = (spec as Json).gitops;
    if (!gitops || typeof gitops !== "object" || Array.isArray(gitops)) return null;
    return { doc: doc as Json, gitops: gitops as Json };
  } catch {
    return null;
  }
}

const lines = (v: unknown) => (Array.isArray(v) ? v.map(String).join("\n") : "");

export function GitopsSourceFields({ json, initialJson, onChange }: { json: string; initialJson?: string; onChange: (json: string) => void }) {
  const id = useId();
  const parsed = readGitops(json);
  const before = initialJson ? readGitops(initialJson) : null;
  const nsOf = (g: Json | undefined) => `${typeof g?.targetNamespace === "string" ? g.targetNamespace : ""}|${g?.forceNamespace === true}`;
  const nsChanged = before !== null && parsed !== null && nsOf(before.gitops) !== nsOf(parsed.gitops);
  if (!parsed) {
    return (
      <p className="text-sm text-slate-500" data-testid="gitops-fields-unavailable">
        Target namespace and file globs: fix the JSON (with a <code>spec.gitops</code> object) to edit them here.
      </p>
    );
  }
  const { doc, gitops } = parsed;
  const set = (field: string, value: unknown) => {
    const next: Json = { ...gitops };
    if (value === undefined) delete next[field];
    else next[field] = value;
    onChange(JSON.stringify({ ...doc, spec: { ...(doc.spec as Json), gitops: next } }, null, 2));
  };
  const setGlobs = (field: "include" | "exclude", text: string) => {
    const globs = text.split("\n").map((l) => l.trim());
    set(field, globs.some((g) => g !== "") ? globs.filter((g, i) => g !== "" || i < globs.length - 1) : undefined);
  };
  const input = "w-full rounded border border-slate-300 px-2 py-1 font-mono text-sm dark:border-slate-700 dark:bg-slate-950";
  return (
    <fieldset className="grid gap-3 rounded-lg border border-slate-200 p-3 text-sm sm:grid-cols-2 dark:border-slate-800" data-testid="gitops-source-fields">
      <legend className="px-1 font-medium">Namespace and files (spec.gitops)</legend>
      <div>
        <label htmlFor={`${id}-ns`} className="block text-slate-600 dark:text-slate-400">
          Target namespace
        </label>
        <input
          id={`${id}-ns`}
          className={input}
          value={typeof gitops.targetNamespace === "string" ? gitops.targetNamespace : ""}
          placeholder="documents without metadata.namespace go here"
          onChange={(e) => set("targetNamespace", e.target.value === "" ? undefined : e.target.value)}
        />
        <label className="mt-1 flex items-center gap-2">
          <input type="checkbox" checked={gitops.forceNamespace === true} onChange={(e) => set("forceNamespace", e.target.checked ? true : undefined)} />
          Force it on every document (forceNamespace)
        </label>
      </div>
      <div className="grid gap-2 sm:grid-cols-2">
        <div>
          <label htmlFor={`${id}-inc`} className="block text-slate-600 dark:text-slate-400">
            Include globs (one a line)
          </label>
          <textarea
            id={`${id}-inc`}
            rows={3}
            className={input}
            value={lines(gitops.include)}
            placeholder="**/*.{json,yaml,yml}"
            onChange={(e) => setGlobs("include", e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={`${id}-exc`} className="block text-slate-600 dark:text-slate-400">
            Exclude globs (one a line)
          </label>
          <textarea
            id={`${id}-exc`}
            rows={3}
            className={input}
            value={lines(gitops.exclude)}
            placeholder="helm-chart/**"
            onChange={(e) => setGlobs("exclude", e.target.value)}
          />
        </div>
      </div>
      {nsChanged ? (
        <p className="text-amber-800 sm:col-span-2 dark:text-amber-300" data-testid="namespace-change-note">
          Changing the target namespace changes the resources&apos; keys: the next sync creates them in the new namespace and deletes (with prune) or orphans
          them in the old one. Review the definition&apos;s diff before syncing.
        </p>
      ) : null}
      <p className="text-slate-500 sm:col-span-2">
        Globs are relative to the path; .sourceignore files (gitignore syntax) at the repository root and under the path are honoured too.
      </p>
    </fieldset>
  );
}
