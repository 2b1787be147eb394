"use client";
/** Users: create with a role, change roles. */
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createUserAction, setUserRoleAction } from "@/lib/actions/users";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import { roles, type Role } from "@/lib/api/roles";

const input = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 dark:border-slate-700 dark:bg-slate-900";

export function UsersView({ users, me }: { users: { id: string; username: string; role: string; createdAt: string }[]; me: string }) {
  const router = useRouter();
  const [form, setForm] = useState<{ username: string; password: string; role: Role }>({ username: "", password: "", role: "viewer" });
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
      <form
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4 dark:border-slate-800 dark:bg-slate-900"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          setOk(null);
          start(async () => {
            const r = await createUserAction(form);
            if (!r.ok) return setError(r.error.message);
            setOk(`Created ${r.data.username}.`);
            setForm({ username: "", password: "", role: "viewer" });
            router.refresh();
          });
        }}
      >
        <label className="text-sm font-medium">
          Username
          <input value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} required autoComplete="off" className={input} />
        </label>
        <label className="text-sm font-medium">
          Password (8+ characters)
          <input type="password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} required autoComplete="new-password" className={input} />
        </label>
        <label className="text-sm font-medium">
          Role
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })} className={input}>
            {roles.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
        <div className="flex items-end">
          <Button type="submit" variant="primary" busy={pending}>Create user</Button>
        </div>
      </form>
      {error ? <Alert>{error}</Alert> : null}
      {ok ? <Alert kind="success">{ok}</Alert> : null}
      <table className="w-full text-left text-sm" data-testid="users-table">
        <thead className="text-slate-500">
          <tr><th className="py-2">Username</th><th>Role</th><th>Created</th></tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-username={u.username} className="border-t border-slate-200 dark:border-slate-800">
              <td className="py-2 font-medium">{u.username}{u.id === me ? <span className="ml-1 text-xs text-slate-500">(you)</span> : null}</td>
              <td>
                <label>
                  <span className="sr-only">Role of {u.username}</span>
                  <select
                    value={u.role}
                    disabled={pending || u.id === me}
                    title={u.id === me ? "You cannot change your own role" : undefined}
                    onChange={(e) =>
                      start(async () => {
                        setError(null);
                        const r = await setUserRoleAction({ id: u.id, role: e.target.value as Role });
                        if (!r.ok) setError(r.error.message);
                        else setOk(`${u.username} is now ${r.data.role}.`);
                        router.refresh();
                      })
                    }
                    className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
                  >
                    {roles.map((r) => <option key={r} value={r}>{r}</option>)}
                  </select>
                </label>
              </td>
              <td><RelativeTime iso={u.createdAt} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
