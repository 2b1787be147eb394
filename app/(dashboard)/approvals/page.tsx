import { requirePagePrincipal } from "@/lib/server/auth/page-auth";
import { approvalsPageView } from "@/lib/server/views/gates";
import { ApprovalsList } from "@/components/gates/approvals-list";

export const dynamic = "force-dynamic";

export default async function ApprovalsPage() {
  await requirePagePrincipal();
  return <ApprovalsList items={await approvalsPageView()} />;
}
