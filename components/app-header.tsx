import Link from "next/link";
import { SignOutButton } from "@/components/sign-out-button";
import { LiveIndicator } from "@/components/live-indicator";
import { PendingApprovalsLink } from "@/components/gates/gate-badge";

export function AppHeader({ username, role, pendingApprovals = 0 }: { username: string; role: string; pendingApprovals?: number }) {
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/" className="text-lg font-semibold tracking-tight">
          <span aria-hidden className="mr-1 text-sky-600">
            ⟳
          </span>
          Syncline
        </Link>
        <nav aria-label="Main" className="flex flex-wrap gap-4 text-sm">
          <Link href="/" className="hover:underline">
            Definitions
          </Link>
          <Link href="/tokens" className="hover:underline">
            API tokens
          </Link>
          <PendingApprovalsLink count={pendingApprovals} />
          {role === "admin" ? (
            <>
              <Link href="/admin/secrets" className="hover:underline">
                Secrets
              </Link>
              <Link href="/admin/ssh-known-hosts" className="hover:underline">
                SSH host keys
              </Link>
              <Link href="/admin/users" className="hover:underline">
                Users
              </Link>
              <Link href="/admin/audit" className="hover:underline">
                Audit log
              </Link>
            </>
          ) : null}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <LiveIndicator />
          <span data-testid="current-user">
            {username} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800">{role}</span>
          </span>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
