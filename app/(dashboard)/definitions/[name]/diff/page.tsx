import { notFound } from "next/navigation";
import { requirePagePrincipal } from "@/lib/server/auth/page-auth";
import { diffPageView } from "@/lib/server/views/diff-page";
import { roleAtLeast } from "@/lib/api/roles";
import { DiffReview } from "@/components/diff/diff-review";
import { DiffError } from "@/components/diff/diff-error";

export default async function DiffPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<{ revision?: string }> }) {
  const [me, { name }, sp] = await Promise.all([requirePagePrincipal(), params, searchParams]);
  const revision = typeof sp.revision === "string" && sp.revision.trim() ? sp.revision.trim().slice(0, 250) : undefined;
  const view = await diffPageView(name, revision, roleAtLeast(me.role, "operator"));
  if (!view) notFound();
  if (view.kind === "error") return <DiffError definition={name} message={view.message} revision={revision ?? null} />;
  return <DiffReview data={view.data} role={me.role} production={view.production} activeRunId={view.activeRunId} />;
}
