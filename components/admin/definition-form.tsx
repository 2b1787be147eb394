"use client";
/**
 * The Add definition form: the fields a person fills in, written into the same JSON document the
 * Advanced tab edits (one document is saved and checked). "Test connection" fetches the branch
 * with the chosen secret and lists the kinds found under the path; a kind can be picked from it.
 */
import Link from "next/link";
import { useId, useState, useTransition } from "react";
import { testConnectionAction } from "@/lib/actions/connection";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { shortSha } from "@/lib/client/format";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});

/** The parsed document, or null when the JSON does not parse (the form then says so). */
function read(json: string): Json | null {
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    return null;
  }
}

interface Result {
  ok: boolean;
  error?: string;
  commit?: string;
  files?: number;
  problems?: number;
  kinds?: { kind: string; count: number }[];
}

const input = "mt-1 block w-full rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900";

export function DefinitionForm({ json, onChange, gitSecrets }: { json: string; onChange: (json: string) => void; gitSecrets: string[] }) {
  const id = useId();
  const [pending, start] = useTransition();
  const [result, setResult] = useState<Result | null>(null);
  const doc = read(json);
  if (!doc) {
    return (
      <Alert kind="warning" title="The JSON does not parse">
        Fix it in the Advanced tab to use the form.
      </Alert>
    );
  }
  const spec = obj(doc.spec);
  const names = obj(spec.names);
  const gitops = obj(spec.gitops);
  const policy = obj(spec.syncPolicy);
  const metadata = obj(doc.metadata);
  const set = (path: string[], value: unknown) => {
    const next = structuredClone(doc);
    let o: Json = next;
    for (const k of path.slice(0, -1)) {
      o[k] = obj(o[k]);
      o = o[k] as Json;
    }
    const last = path[path.length - 1]!;
    if (value === undefined || value === "") delete o[last];
    else o[last] = value;
    onChange(JSON.stringify(next, null, 2));
  };
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const field = (label: string, path: string[], value: unknown, extra: React.InputHTMLAttributes<HTMLInputElement> = {}, hint?: string) => (
    <div>
      <label className="block text-sm font-medium">
        {label}
        <input
          {...extra}
          value={typeof value === "number" ? String(value) : str(value)}
          onChange={(e) => set(path, extra.type === "number" ? (e.target.value === "" ? undefined : Number(e.target.value)) : e.target.value)}
          className={`${input} ${extra.className ?? ""}`}
          aria-describedby={hint ? `${id}-${path.join("-")}-hint` : undefined}
        />
      </label>
      {hint ? (
        <span id={`${id}-${path.join("-")}-hint`} className="mt-0.5 block text-xs font-normal text-slate-600 dark:text-slate-400">
          {hint}
        </span>
      ) : null}
    </div>
  );
  const check = (label: string, path: string[], value: unknown, hint: string) => (
    <label className="flex items-start gap-2 text-sm">
      <input type="checkbox" checked={value === true} onChange={(e) => set(path, e.target.checked)} className="mt-1" />
      <span>
        <span className="font-medium">{label}</span> <span className="text-slate-600 dark:text-slate-400">{hint}</span>
      </span>
    </label>
  );
  const testConnection = () =>
    start(async () => {
      setResult(null);
      const r = await testConnectionAction({
        repoURL: str(gitops.repoURL),
        branch: str(gitops.branch) || "main",
        path: str(gitops.path) || "/",
        ...(str(gitops.secretName) ? { secretName: str(gitops.secretName) } : {}),
      });
      setResult(r.ok ? r.data : { ok: false, error: r.error.message });
    });

  return (
    <div className="space-y-5" data-testid="definition-form">
      <fieldset className="grid gap-3 rounded-lg border border-slate-200 p-4 sm:grid-cols-2 dark:border-slate-800">
        <legend className="px-1 text-sm font-semibold">Resource type</legend>
        {field("Name", ["metadata", "name"], metadata.name, { placeholder: "widgets.example.io", required: true }, "Usually <plural>.<group>")}
        {field("Group", ["spec", "group"], spec.group, { placeholder: "example.io" })}
        {field("Kind", ["spec", "names", "kind"], names.kind, { placeholder: "Widget" }, "The kind of the documents in Git")}
        {field("Plural", ["spec", "names", "plural"], names.plural, { placeholder: "widgets" })}
        {field("Version", ["spec", "version"], spec.version, { placeholder: "v1" })}
        <label className="block text-sm font-medium">
          Scope
          <select value={str(spec.scope) || "Namespaced"} onChange={(e) => set(["spec", "scope"], e.target.value)} className={input}>
            <option value="Namespaced">Namespaced</option>
            <option value="Cluster">Cluster</option>
          </select>
        </label>
      </fieldset>
      <fieldset className="grid gap-3 rounded-lg border border-slate-200 p-4 sm:grid-cols-2 dark:border-slate-800">
        <legend className="px-1 text-sm font-semibold">Git source</legend>
        <div className="sm:col-span-2">
          {field("Repository URL", ["spec", "gitops", "repoURL"], gitops.repoURL, {
            placeholder: "https://git.example.com/team/widgets.git",
            className: "font-mono",
          })}
        </div>
        {field("Branch", ["spec", "gitops", "branch"], gitops.branch, { placeholder: "main" })}
        {field(
          "Path",
          ["spec", "gitops", "path"],
          gitops.path,
          { placeholder: "/", className: "font-mono" },
          "Folder in the repository; every .yaml/.json below it is read",
        )}
        {field(
          "Interval (seconds)",
          ["spec", "gitops", "interval"],
          gitops.interval,
          { type: "number", min: 10, placeholder: "300" },
          "How often Git is checked",
        )}
        <label className="block text-sm font-medium">
          Secret
          <select
            value={str(gitops.secretName)}
            onChange={(e) => set(["spec", "gitops", "secretName"], e.target.value)}
            className={input}
            data-testid="secret-picker"
          >
            <option value="">none (public repository)</option>
            {str(gitops.secretName) && !gitSecrets.includes(str(gitops.secretName)) ? (
              <option value={str(gitops.secretName)}>{str(gitops.secretName)} (not a Git secret)</option>
            ) : null}
            {gitSecrets.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <span className="mt-0.5 block text-xs font-normal text-slate-600 dark:text-slate-400">
            Git credentials from the{" "}
            <Link href="/admin/secrets" className="underline">
              secrets page
            </Link>
          </span>
        </label>
        <div className="sm:col-span-2 space-y-2">
          <Button onClick={testConnection} busy={pending} disabledReason={str(gitops.repoURL) ? null : "Enter a repository URL first"}>
            Test connection
          </Button>
          {result ? (
            result.ok ? (
              <div
                className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"
                data-testid="connection-result"
                role="status"
              >
                <p>
                  Connected: {str(gitops.branch) || "main"} at <span className="font-mono">{shortSha(result.commit ?? null)}</span>, {result.files} files under{" "}
                  <span className="font-mono">{str(gitops.path) || "/"}</span>
                  {result.problems ? `, ${result.problems} file problems` : ""}.
                </p>
                {result.kinds && result.kinds.length > 0 ? (
                  <ul className="mt-2 flex flex-wrap gap-2" aria-label="Kinds found under the path">
                    {result.kinds.map((k) => (
                      <li key={k.kind}>
                        <button
                          type="button"
                          onClick={() => set(["spec", "names", "kind"], k.kind)}
                          className="rounded-full bg-white px-2.5 py-0.5 text-emerald-900 ring-1 ring-emerald-600/40 hover:bg-emerald-100 dark:bg-slate-900 dark:text-emerald-200"
                          data-kind={k.kind}
                        >
                          {k.kind} <span className="tabular-nums">×{k.count}</span>
                          {k.kind === str(names.kind) ? " ✓" : ""}
                        </button>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="mt-1">No documents found under this path.</p>
                )}
              </div>
            ) : (
              <Alert title="Connection failed">
                <span data-testid="connection-error">{result.error}</span>
              </Alert>
            )
          ) : null}
        </div>
      </fieldset>
      <fieldset className="space-y-2 rounded-lg border border-slate-200 p-4 dark:border-slate-800">
        <legend className="px-1 text-sm font-semibold">Sync policy</legend>
        {check("Automated", ["spec", "syncPolicy", "automated"], policy.automated, "sync by itself when Git changes")}
        {check("Prune", ["spec", "syncPolicy", "prune"], policy.prune, "delete resources that leave Git")}
        {check("Self-heal", ["spec", "syncPolicy", "selfHeal"], policy.selfHeal, "put Git's version back when a resource drifts")}
        {check("Production", ["spec", "production"], spec.production, "syncs need the name typed to confirm")}
      </fieldset>
    </div>
  );
}
