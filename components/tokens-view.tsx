"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { createTokenAction, revokeTokenAction } from "@/lib/actions/tokens";
import { roleAtLeast, roles, type Role } from "@/lib/api/roles";

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  role: string;
  owner: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
  expired: boolean;
  revoked: boolean;
}

/** Lifetimes offered (the server caps them at SYNCLINE_TOKEN_MAX_DAYS and says so). */
const LIFETIMES = [7, 30, 90, 180, 365] as const;

export function TokensView({ tokens, role }: { tokens: TokenRow[]; role: string }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [tokenRole, setTokenRole] = useState<Role>("viewer");
  const [days, setDays] = useState<number>(90);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const allowed = roles.filter((r) => roleAtLeast(role, r));

  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">API tokens</h1>
      <form
        className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          start(async () => {
            const r = await createTokenAction({ name, role: tokenRole, expiresInDays: days });
            if (r.ok) {
              setCreated(r.data.token);
              setName("");
              router.refresh();
            } else setError(r.error.message);
          });
        }}
      >
        <label className="text-sm font-medium">
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            placeholder="ci-pipeline"
            className="mt-1 block rounded-md border border-slate-300 bg-transparent px-3 py-1.5 dark:border-slate-700"
          />
        </label>
        <label className="text-sm font-medium">
          Role
          <select
            value={tokenRole}
            onChange={(e) => setTokenRole(e.target.value as Role)}
            className="mt-1 block rounded-md border border-slate-300 bg-transparent px-3 py-1.5 dark:border-slate-700"
          >
            {allowed.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium">
          Expires after
          <select
            value={days}
            onChange={(e) => setDays(Number(e.target.value))}
            className="mt-1 block rounded-md border border-slate-300 bg-transparent px-3 py-1.5 dark:border-slate-700"
          >
            {LIFETIMES.map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={pending} className="rounded-md bg-sky-600 px-3 py-1.5 font-medium text-white hover:bg-sky-700 disabled:opacity-60">
          Create token
        </button>
      </form>
      {error ? (
        <p role="alert" className="text-sm text-red-600">
          {error}
        </p>
      ) : null}
      {created ? (
        <div className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-700 dark:bg-amber-950">
          <p className="font-medium">Copy this token now; it will not be shown again.</p>
          <code data-testid="new-token" className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono dark:bg-slate-900">
            {created}
          </code>
        </div>
      ) : null}
      <table className="w-full text-left text-sm">
        <thead className="text-slate-500">
          <tr>
            <th className="py-2">Name</th>
            <th>Prefix</th>
            <th>Role</th>
            <th>Owner</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Expires</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id} className="border-t border-slate-200 dark:border-slate-800">
              <td className="py-2">{t.name}</td>
              <td className="font-mono">{t.prefix}…</td>
              <td>{t.role}</td>
              <td>{t.owner}</td>
              <td title={t.createdAt}>{t.createdAt.slice(0, 10)}</td>
              <td>{t.lastUsedAt ? t.lastUsedAt.slice(0, 16).replace("T", " ") : "never"}</td>
              <td title={t.expiresAt} data-testid="token-expires">
                {t.expired ? <span className="text-red-600">expired {t.expiresAt.slice(0, 10)}</span> : t.expiresAt.slice(0, 10)}
              </td>
              <td className="text-right">
                {t.revoked ? (
                  <span className="text-slate-500">revoked</span>
                ) : (
                  <button
                    type="button"
                    className="text-red-600 hover:underline"
                    onClick={() =>
                      start(async () => {
                        const r = await revokeTokenAction({ id: t.id });
                        if (!r.ok) setError(r.error.message);
                        router.refresh();
                      })
                    }
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
