"use client";
/** Secrets: values go in and never come back; the list shows names and types only. */
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteSecretAction, putSecretAction } from "@/lib/actions/secrets";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { RelativeTime } from "@/components/ui/relative-time";
import { ListTable } from "@/components/ui/list-table";

interface Field {
  key: string;
  label: string;
  secret: boolean;
  /** a textarea (keys, known_hosts), with a file picker */
  multiline?: boolean;
}

const fieldsByType: Record<"git-token" | "git-basic" | "git-ssh" | "webhook" | "sops-age", Field[]> = {
  "git-token": [
    { key: "token", label: "Token", secret: true },
    { key: "username", label: "Username (optional)", secret: false },
  ],
  "git-basic": [
    { key: "username", label: "Username", secret: false },
    { key: "password", label: "Password", secret: true },
  ],
  "git-ssh": [
    { key: "privateKey", label: "Private key (paste or choose the file)", secret: true, multiline: true },
    { key: "passphrase", label: "Passphrase (if the key has one)", secret: true },
    { key: "knownHosts", label: "known_hosts lines (optional)", secret: false, multiline: true },
  ],
  webhook: [{ key: "secret", label: "Webhook secret (8+ characters)", secret: true }],
  "sops-age": [{ key: "identities", label: "age identities (AGE-SECRET-KEY-1… lines, # comments allowed)", secret: true, multiline: true }],
};

type SecretType = keyof typeof fieldsByType;
const input = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 dark:border-slate-700 dark:bg-slate-900";

export function SecretsView({ secrets }: { secrets: { name: string; type: string; updatedAt: string }[] }) {
  const router = useRouter();
  const [type, setType] = useState<SecretType>("git-token");
  const [name, setName] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [publicKey, setPublicKey] = useState<{ fingerprint: string; publicKey: string } | null>(null);
  const [toDelete, setToDelete] = useState<string | null>(null);
  const [pending, start] = useTransition();

  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">Secrets</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Git credentials, webhook secrets and SOPS age identities, encrypted at rest. Values are write-only: they are never shown again, only replaced. Refer to
        a secret from a definition&apos;s <code>gitops.secretName</code>; SOPS age identities from <code>gitops.decryption</code>.
      </p>
      <form
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4 dark:border-slate-800 dark:bg-slate-900"
        autoComplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          setOk(null);
          setPublicKey(null);
          start(async () => {
            const r = await putSecretAction({ name, type, ...values });
            if (!r.ok) return setError(r.error.message);
            setOk(`Saved ${r.data.name} (${r.data.type}).`);
            const d = r.data as { fingerprint?: string; publicKey?: string };
            if (d.fingerprint && d.publicKey) setPublicKey({ fingerprint: d.fingerprint, publicKey: d.publicKey });
            setName("");
            setValues({});
            router.refresh();
          });
        }}
      >
        <label className="text-sm font-medium">
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required placeholder="github-token" className={input} />
        </label>
        <label className="text-sm font-medium">
          Type
          <select
            value={type}
            onChange={(e) => {
              setType(e.target.value as SecretType);
              setValues({});
            }}
            className={input}
          >
            <option value="git-token">Git token</option>
            <option value="git-basic">Git username + password</option>
            <option value="git-ssh">SSH deploy key (git-ssh)</option>
            <option value="webhook">Webhook secret</option>
            <option value="sops-age">SOPS age identities</option>
          </select>
        </label>
        {fieldsByType[type].map((f) =>
          f.multiline ? (
            <label key={f.key} className="text-sm font-medium sm:col-span-2">
              {f.label}
              <textarea
                name={f.key}
                rows={4}
                spellCheck={false}
                autoComplete="off"
                data-testid={`secret-${f.key}`}
                value={values[f.key] ?? ""}
                onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
                className={`${input} font-mono text-xs${f.secret ? " [-webkit-text-security:disc]" : ""}`}
              />
              <input
                type="file"
                aria-label={`${f.label}: choose a file`}
                className="mt-1 text-xs"
                onChange={async (e) => {
                  const file = e.target.files?.[0];
                  if (file) setValues({ ...values, [f.key]: await file.text() });
                }}
              />
            </label>
          ) : (
            <label key={f.key} className="text-sm font-medium">
              {f.label}
              <input
                type={f.secret ? "password" : "text"}
                autoComplete={f.secret ? "new-password" : "off"}
                value={values[f.key] ?? ""}
                onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
                className={input}
              />
            </label>
          ),
        )}
        <div className="flex items-end">
          <Button type="submit" variant="primary" busy={pending}>
            Save secret
          </Button>
        </div>
      </form>
      {error ? <Alert>{error}</Alert> : null}
      {ok ? <Alert kind="success">{ok}</Alert> : null}
      {publicKey ? (
        <div className="rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900" data-testid="ssh-public-key">
          <p>
            Public key fingerprint: <code>{publicKey.fingerprint}</code>
          </p>
          <p className="mt-2">Add this public key to the repository as a read-only deploy key (the private key is never shown again):</p>
          <pre className="mt-1 overflow-x-auto rounded bg-slate-100 p-2 text-xs dark:bg-slate-800">{publicKey.publicKey}</pre>
        </div>
      ) : null}
      <ListTable testId="secrets-table" columns={["Name", "Type", "Updated", "Value"]} empty={secrets.length === 0 ? "No secrets yet." : null}>
        {secrets.map((s) => (
          <tr key={s.name} className="border-t border-slate-200 dark:border-slate-800">
            <td className="py-2 font-mono">{s.name}</td>
            <td>{s.type}</td>
            <td>
              <RelativeTime iso={s.updatedAt} />
            </td>
            <td className="text-slate-500">•••••• (write-only)</td>
            <td className="text-right">
              <button type="button" className="text-red-600 hover:underline" onClick={() => setToDelete(s.name)}>
                Delete
              </button>
            </td>
          </tr>
        ))}
      </ListTable>
      <ConfirmDialog
        open={toDelete !== null}
        title={`Delete secret ${toDelete ?? ""}?`}
        confirmLabel="Delete secret"
        busy={pending}
        error={error}
        onCancel={() => setToDelete(null)}
        onConfirm={() =>
          start(async () => {
            const r = await deleteSecretAction({ name: toDelete! });
            if (!r.ok) return setError(r.error.message);
            setToDelete(null);
            router.refresh();
          })
        }
      >
        <p>Definitions that use it will fail to fetch from Git until it is set again.</p>
      </ConfirmDialog>
    </section>
  );
}
