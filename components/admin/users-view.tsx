"use client";
/**
 * Users: create with a role, change roles, rename, disable or enable, sign out everywhere,
 * delete. Destructive steps go through the one ConfirmDialog; the server's refusals (the last
 * enabled admin: 409) are shown as they come.
 */
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createUserAction, deleteUserAction, endUserSessionsAction, renameUserAction, setUserDisabledAction, setUserRoleAction } from "@/lib/actions/users";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { RelativeTime } from "@/components/ui/relative-time";
import { userRoles as roles, type UserRole as Role } from "@/lib/api/roles";
import { ListTable } from "@/components/ui/list-table";

const input = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 dark:border-slate-700 dark:bg-slate-900";

type UserRow = { id: string; username: string; role: string; disabled: boolean; createdAt: string };
type Pending = { kind: "disable" | "enable" | "delete" | "sessions"; user: UserRow };

const confirmText: Record<Pending["kind"], { title: (u: string) => string; body: string; label: string }> = {
  disable: {
    title: (u) => `Disable ${u}?`,
    body: "They are signed out at once, cannot sign in, and their API tokens stop working until you enable the account again.",
    label: "Disable",
  },
  enable: { title: (u) => `Enable ${u}?`, body: "They can sign in again and their unexpired API tokens work again.", label: "Enable" },
  delete: {
    title: (u) => `Delete ${u}?`,
    body: "The account, its sessions and its API tokens are deleted. Runs and audit events keep the name and id.",
    label: "Delete",
  },
  sessions: {
    title: (u) => `Sign ${u} out everywhere?`,
    body: "Every session of this user ends now. Their API tokens keep working (revoke them on the tokens page).",
    label: "Sign out",
  },
};

export function UsersView({ users, me }: { users: UserRow[]; me: string }) {
  const router = useRouter();
  const [form, setForm] = useState<{ username: string; password: string; role: Role }>({ username: "", password: "", role: "viewer" });
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const [confirm, setConfirm] = useState<Pending | null>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; value: string } | null>(null);
  const runConfirmed = (p: Pending) =>
    start(async () => {
      setConfirmError(null);
      const r =
        p.kind === "delete"
          ? await deleteUserAction({ id: p.user.id })
          : p.kind === "sessions"
            ? await endUserSessionsAction({ id: p.user.id })
            : await setUserDisabledAction({ id: p.user.id, disabled: p.kind === "disable" });
      if (!r.ok) return setConfirmError(r.error.message);
      setConfirm(null);
      setError(null);
      setOk(
        p.kind === "delete"
          ? `Deleted ${p.user.username}.`
          : p.kind === "sessions"
            ? `Signed ${p.user.username} out everywhere.`
            : `${p.user.username} is ${p.kind}d.`,
      );
      router.refresh();
    });
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
          <input
            type="password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
            required
            autoComplete="new-password"
            className={input}
          />
        </label>
        <label className="text-sm font-medium">
          Role
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })} className={input}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <div className="flex items-end">
          <Button type="submit" variant="primary" busy={pending}>
            Create user
          </Button>
        </div>
      </form>
      {error ? <Alert>{error}</Alert> : null}
      {ok ? <Alert kind="success">{ok}</Alert> : null}
      <ListTable testId="users-table" columns={["Username", "Role", "Status", "Created"]}>
        {users.map((u) => (
          <tr key={u.id} data-username={u.username} className="border-t border-slate-200 dark:border-slate-800">
            <td className="py-2 font-medium">
              {renaming?.id === u.id ? (
                <form
                  className="flex gap-1"
                  onSubmit={(e) => {
                    e.preventDefault();
                    start(async () => {
                      const r = await renameUserAction({ id: u.id, username: renaming.value });
                      if (!r.ok) return setError(r.error.message);
                      setRenaming(null);
                      setOk(`${u.username} is now ${r.data.username}.`);
                      router.refresh();
                    });
                  }}
                >
                  <label>
                    <span className="sr-only">New name for {u.username}</span>
                    <input
                      value={renaming.value}
                      onChange={(e) => setRenaming({ id: u.id, value: e.target.value })}
                      autoFocus
                      className="w-36 rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
                    />
                  </label>
                  <Button type="submit" busy={pending}>
                    Save
                  </Button>
                  <Button type="button" onClick={() => setRenaming(null)}>
                    Cancel
                  </Button>
                </form>
              ) : (
                <>
                  {u.username}
                  {u.id === me ? <span className="ml-1 text-xs text-slate-500">(you)</span> : null}
                </>
              )}
            </td>
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
                  {roles.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </label>
            </td>
            <td data-testid="user-status">{u.disabled ? <span className="text-red-600">disabled</span> : "active"}</td>
            <td>
              <RelativeTime iso={u.createdAt} />
            </td>
            <td className="space-x-2 whitespace-nowrap text-right">
              <button type="button" className="hover:underline" onClick={() => setRenaming({ id: u.id, value: u.username })}>
                Rename
              </button>
              <button
                type="button"
                className="hover:underline"
                onClick={() => {
                  setConfirmError(null);
                  setConfirm({ kind: "sessions", user: u });
                }}
              >
                Sign out
              </button>
              <button
                type="button"
                className="hover:underline"
                onClick={() => {
                  setConfirmError(null);
                  setConfirm({ kind: u.disabled ? "enable" : "disable", user: u });
                }}
              >
                {u.disabled ? "Enable" : "Disable"}
              </button>
              <button
                type="button"
                className="text-red-600 hover:underline"
                onClick={() => {
                  setConfirmError(null);
                  setConfirm({ kind: "delete", user: u });
                }}
              >
                Delete
              </button>
            </td>
          </tr>
        ))}
      </ListTable>
      <ConfirmDialog
        open={confirm !== null}
        title={confirm ? confirmText[confirm.kind].title(confirm.user.username) : ""}
        confirmLabel={confirm ? confirmText[confirm.kind].label : ""}
        tone={confirm?.kind === "enable" ? "primary" : "danger"}
        busy={pending}
        error={confirmError}
        onConfirm={() => confirm && runConfirmed(confirm)}
        onCancel={() => setConfirm(null)}
      >
        <p>{confirm ? confirmText[confirm.kind].body : null}</p>
      </ConfirmDialog>
    </section>
  );
}
