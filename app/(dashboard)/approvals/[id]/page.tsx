import { notFound } from "next/navigation";
import { requirePagePrincipal } from "@/lib/server/auth/page-auth";
import { approvalPageView } from "@/lib/server/views/gates";
import { ApprovalReview } from "@/components/gates/approval-review";

export const dynamic = "force-dynamic";

export default async function ApprovalPage({ params }: { params: Promise<{ id: string }> }) {
  const [me, { id }] = await Promise.all([requirePagePrincipal(), params]);
  const view = await approvalPageView(id, me);
  if (!view) notFound();
  return <ApprovalReview request={view.request} voteDisabledReason={view.voteDisabledReason} />;
}
