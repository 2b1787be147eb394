"use client";
/**
 * Add or edit a definition: a form (definition-form.tsx) and, as the Advanced tab, the JSON in
 * Monaco. Both edit one JSON document; validation errors come from the server, per field and
 * marked in the editor; a JSON syntax error is reported as line:column before anything is sent.
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState, useTransition } from "react";
import { deleteDefinitionAction, saveDefinitionAction } from "@/lib/actions/definitions";
import { CodeEditor } from "@/components/editor/lazy-editors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, PRODUCTION_REASON } from "@/components/ui/confirm-dialog";
import { GitopsSourceFields } from "@/components/admin/gitops-source-fields";
import { DefinitionForm } from "@/components/admin/definition-form";
import { jsonError } from "@/lib/client/json-position";

interface FieldError {
  path: string;
  message: string;
  line?: number;
}

/** Best-effort line of a field path ("spec.gitops.repoURL") in the JSON text, for editor markers. */
function lineOf(json: string, path: string): number {
  const lines = json.split("\n");
  let from = 0;
  for (const seg of path.split(".")) {
    if (/^\d+$/.test(seg)) continue;
    const i = lines.findIndex((l, n) => n >= from && l.includes(`"${seg}"`));
    if (i === -1) break;
    from = i;
  }
  return from + 1;
}

/** spec.gitops.decryption of the JSON text, or undefined when the text does not parse */
function decryptionOf(json: string): { secretName?: string } | null | undefined {
  try {
    const d = (JSON.parse(json) as { spec?: { gitops?: { decryption?: { secretName?: string } } } }).spec?.gitops?.decryption;
    return d ?? null;
  } catch {
    return undefined;
  }
}

/** the JSON text with spec.gitops.decryption set (or removed with null), re-indented */
function withDecryption(json: string, secretName: string | null): string {
  const doc = JSON.parse(json) as { spec?: { gitops?: Record<string, unknown> } };
  const gitops = doc.spec?.gitops;
  if (!gitops) return json;
  if (secretName) gitops.decryption = { provider: "sops", secretName };
  else delete gitops.decryption;
  return JSON.stringify(doc, null, 2);
}

/** SOPS decryption: pick a sops-age secret and the editor's JSON gets spec.gitops.decryption. */
function DecryptionPicker({ json, secrets, onChange }: { json: string; secrets: string[]; onChange: (json: string) => void }) {
  const current = decryptionOf(json);
  const value = current?.secretName ?? "";
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="decryption-picker">
      <label htmlFor="decryption-secret" className="font-medium">
        SOPS decryption
      </label>
      <select
        id="decryption-secret"
        value={value}
        disabled={current === undefined}
        onChange={(e) => onChange(withDecryption(json, e.target.value || null))}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
      >
        <option value="">off</option>
        {value && !secrets.includes(value) ? <option value={value}>{value} (not a sops-age secret)</option> : null}
        {secrets.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <span className="text-slate-500">
        {secrets.length === 0 ? (
          <>
            No sops-age secret yet: add one on the{" "}
            <Link href="/admin/secrets" className="underline">
              secrets page
            </Link>
            .
          </>
        ) : (
          "Documents with a sops block are decrypted with these age identities; each failure stays on its document."
        )}
      </span>
    </div>
  );
}

export function DefinitionEditor({
  name,
  initialJson,
  sopsSecrets = [],
  gitSecrets = [],
  deleteInfo,
}: {
  name: string | null;
  initialJson: string;
  sopsSecrets?: string[];
  /** Git credential secrets for the form's secret picker */
  gitSecrets?: string[];
  /** for an existing definition: what goes with it when it is deleted */
  deleteInfo?: { resources: number; production: boolean };
}) {
  const router = useRouter();
  const [json, setJson] = useState(initialJson);
  const [message, setMessage] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldError[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [pending, start] = useTransition();
  // a new definition starts on the form; an existing one on the JSON (its full document)
  const [tab, setTab] = useState<"form" | "json">(name ? "json" : "form");
  const syntax = useMemo(() => jsonError(json), [json]);
  const markers = useMemo(
    () => [
      ...fields.map((f) => ({ line: f.line ?? lineOf(json, f.path), message: `${f.path}: ${f.message}` })),
      ...(syntax ? [{ line: syntax.line, message: `line ${syntax.line}:${syntax.column}: ${syntax.message}` }] : []),
    ],
    [fields, json, syntax],
  );

  const save = () =>
    start(async () => {
      setMessage(null);
      setFields([]);
      setSaved(null);
      if (syntax) {
        setTab("json");
        setMessage(`The JSON does not parse: line ${syntax.line}:${syntax.column}: ${syntax.message}`);
        return;
      }
      const r = await saveDefinitionAction({ name, json });
      if (r.ok) {
        setSaved(r.data.name);
        if (!name) router.push(`/definitions/${encodeURIComponent(r.data.name)}`);
        else router.refresh();
        return;
      }
      const details = Array.isArray(r.error.details) ? (r.error.details as FieldError[]).filter((d) => d && typeof d.path === "string") : [];
      setFields(details);
      setMessage(details.length ? `${r.error.code === "VALIDATION_FAILED" ? "The definition is not valid" : r.error.message}` : r.error.message);
    });

  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/" className="hover:underline">
          Definitions
        </Link>{" "}
        / <span>{name ? `Edit ${name}` : "New definition"}</span>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">{name ? `Edit ${name}` : "Add a definition"}</h1>
        <div className="ml-auto flex gap-2">
          {name ? (
            <Button variant="danger" onClick={() => setConfirmDelete(true)}>
              Delete…
            </Button>
          ) : null}
          <Button variant="primary" busy={pending} onClick={save}>
            {name ? "Save changes" : "Create definition"}
          </Button>
        </div>
      </div>
      {message ? (
        <Alert title={message}>
          {fields.length ? (
            <ul className="mt-1 space-y-0.5" data-testid="field-errors">
              {fields.map((f, i) => (
                <li key={i} data-path={f.path}>
                  <code className="font-mono font-semibold">{f.path}</code>: {f.message}
                </li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      {saved ? <Alert kind="success">Saved {saved}.</Alert> : null}
      <div role="tablist" aria-label="Editor" className="flex gap-1 border-b border-slate-200 dark:border-slate-800">
        {(
          [
            ["form", "Form"],
            ["json", "Advanced (JSON)"],
          ] as const
        ).map(([t, label]) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`panel-${t}`}
            onClick={() => setTab(t)}
            className={`-mb-px rounded-t-md border px-3 py-1.5 text-sm ${
              tab === t
                ? "border-slate-200 border-b-white bg-white font-semibold dark:border-slate-800 dark:border-b-slate-950 dark:bg-slate-950"
                : "border-transparent text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
            }`}
          >
            {label}
          </button>
        ))}
      </div>
      {tab === "form" ? (
        <div role="tabpanel" id="panel-form" aria-labelledby="tab-form">
          <DefinitionForm json={json} onChange={setJson} gitSecrets={gitSecrets} />
        </div>
      ) : (
        <div role="tabpanel" id="panel-json" aria-labelledby="tab-json" className="space-y-4">
          <p className="text-sm text-slate-600 dark:text-slate-400">
            A ResourceDefinition as JSON (the same document <code>POST /api/v1/definitions</code> takes). It is checked with the API&apos;s rules when you save.
          </p>
          <GitopsSourceFields json={json} initialJson={name ? initialJson : undefined} onChange={setJson} />
          <DecryptionPicker json={json} secrets={sopsSecrets} onChange={setJson} />
          {syntax ? (
            <p role="alert" className="font-mono text-sm text-red-700 dark:text-red-300" data-testid="json-error">
              JSON error at line {syntax.line}:{syntax.column}: {syntax.message}
            </p>
          ) : null}
          <div className="overflow-hidden rounded-lg border border-slate-200 dark:border-slate-800" data-testid="definition-editor">
            <CodeEditor
              value={json}
              onChange={setJson}
              language="json"
              height="60vh"
              markers={markers}
              ariaLabel={`Definition JSON${name ? ` of ${name}` : ""}`}
            />
          </div>
        </div>
      )}
      {name ? (
        <ConfirmDialog
          open={confirmDelete}
          title={`Delete ${name}?`}
          confirmLabel="Delete definition"
          requireText={name}
          requireReason={deleteInfo?.production ? PRODUCTION_REASON : "Deleting cannot be undone."}
          busy={pending}
          error={message}
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() =>
            start(async () => {
              const r = await deleteDefinitionAction({ name });
              if (!r.ok) return setMessage(r.error.message);
              router.push("/");
            })
          }
        >
          <p data-testid="delete-summary">
            The definition, its{" "}
            <strong>
              {(deleteInfo?.resources ?? 0).toLocaleString("en-US")} resource{deleteInfo?.resources === 1 ? "" : "s"}
            </strong>{" "}
            in the store and its run history are deleted. Git is not touched.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
