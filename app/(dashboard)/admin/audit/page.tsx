import { requirePagePrincipal } from "@/lib/server/auth/page-auth";
import { getAuditActions, listAuditEvents } from "@/lib/server/services/audit-log";
import { AuditLogTable } from "@/components/automation/audit-log-table";

export const dynamic = "force-dynamic";

export default async function AuditPage() {
  const me = await requirePagePrincipal();
  if (me.role !== "admin") {
    return (
      <p role="alert" className="text-sm text-red-600">
        The audit log is for admins.
      </p>
    );
  }
  const [initial, actions] = await Promise.all([listAuditEvents({ limit: 100 }), getAuditActions()]);
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
      <AuditLogTable actions={actions} initial={initial} />
    </section>
  );
}
