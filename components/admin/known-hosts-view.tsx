"use client";
/** Trusted SSH host keys: the only keys (besides a secret's knownHosts) a fetch over SSH accepts. */
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { addKnownHostAction, removeKnownHostAction } from "@/lib/actions/ssh-known-hosts";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { RelativeTime } from "@/components/ui/relative-time";
import type { SshKnownHostView } from "@/lib/api/views";
import { ListTable } from "@/components/ui/list-table";

/** what the page shows of a trusted key (the key itself stays on the server's answer) */
type KnownHostRow = Omit<SshKnownHostView, "key">;

const input = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 dark:border-slate-700 dark:bg-slate-900";

export function KnownHostsView({ keys }: { keys: KnownHostRow[] }) {
  const router = useRouter();
  const [host, setHost] = useState("");
  const [port, setPort] = useState("22");
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<KnownHostRow | null>(null);
  const [pending, start] = useTransition();
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">SSH host keys</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        A fetch over SSH goes on only when the server presents a key listed here for its host and port (or in the git-ssh secret&apos;s known_hosts). Paste a
        key as <code>ssh-keyscan</code> or your Git host&apos;s documentation prints it, e.g. <code>ssh-ed25519 AAAA…</code>.
      </p>
      <form
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-[2fr_1fr_4fr_auto] dark:border-slate-800 dark:bg-slate-900"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          setOk(null);
          start(async () => {
            const r = await addKnownHostAction({ host, port: Number(port) || 22, key });
            if (!r.ok) return setError(r.error.message);
            setOk(`Trusted ${r.data.keyType} ${r.data.fingerprint} for ${r.data.host}:${r.data.port}.`);
            setKey("");
            router.refresh();
          });
        }}
      >
        <label className="text-sm font-medium">
          Host
          <input value={host} onChange={(e) => setHost(e.target.value)} required placeholder="github.com" className={input} />
        </label>
        <label className="text-sm font-medium">
          Port
          <input value={port} onChange={(e) => setPort(e.target.value)} inputMode="numeric" className={input} />
        </label>
        <label className="text-sm font-medium">
          Public host key
          <input value={key} onChange={(e) => setKey(e.target.value)} required placeholder="ssh-ed25519 AAAA…" className={`${input} font-mono text-xs`} />
        </label>
        <div className="flex items-end">
          <Button type="submit" variant="primary" busy={pending}>
            Trust key
          </Button>
        </div>
      </form>
      {error ? <Alert>{error}</Alert> : null}
      {ok ? <Alert kind="success">{ok}</Alert> : null}
      <ListTable
        testId="known-hosts-table"
        columns={["Host", "Port", "Type", "Fingerprint", "Added"]}
        empty={
          keys.length === 0 ? (
            <>No trusted host keys yet. A definition whose SSH host is unknown shows the host&apos;s fingerprint with a &quot;Trust this key&quot; action.</>
          ) : null
        }
      >
        {keys.map((k) => (
          <tr key={k.id} className="border-t border-slate-200 dark:border-slate-800">
            <td className="py-2 font-mono">{k.host}</td>
            <td>{k.port}</td>
            <td>{k.keyType}</td>
            <td className="font-mono text-xs">{k.fingerprint}</td>
            <td>
              <RelativeTime iso={k.createdAt} /> by {k.addedBy}
            </td>
            <td className="text-right">
              <button type="button" className="text-red-600 hover:underline" onClick={() => setToDelete(k)}>
                Remove
              </button>
            </td>
          </tr>
        ))}
      </ListTable>
      <ConfirmDialog
        open={toDelete !== null}
        title={`Stop trusting this key of ${toDelete?.host ?? ""}:${toDelete?.port ?? ""}?`}
        confirmLabel="Remove key"
        busy={pending}
        error={error}
        onCancel={() => setToDelete(null)}
        onConfirm={() =>
          start(async () => {
            const r = await removeKnownHostAction({ id: toDelete!.id });
            if (!r.ok) return setError(r.error.message);
            setToDelete(null);
            router.refresh();
          })
        }
      >
        <p>
          <code>{toDelete?.fingerprint}</code> — fetches from this host fail until a key is trusted again.
        </p>
      </ConfirmDialog>
    </section>
  );
}
