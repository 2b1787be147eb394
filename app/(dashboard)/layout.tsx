import { requirePagePrincipal } from "@/lib/server/auth/page-auth";
import { AppHeader } from "@/components/app-header";
import { pendingApprovalsView } from "@/lib/server/views/gates";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const me = await requirePagePrincipal();
  return (
    <div className="min-h-screen">
      <AppHeader username={me.username} role={me.role} pendingApprovals={await pendingApprovalsView()} />
      <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">{children}</main>
    </div>
  );
}
