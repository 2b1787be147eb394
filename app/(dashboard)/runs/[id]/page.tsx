import { notFound } from "next/navigation";
import { runPageView } from "@/lib/server/views/run-page";
import { RunDetailView } from "@/components/runs/run-detail-view";
import { RUN_CHANGES_PAGE } from "@/lib/client/query-keys";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // the run and its log, its errors, and the first page of changes: never all 10,000 changes
  const view = await runPageView(id, RUN_CHANGES_PAGE);
  if (!view) notFound();
  return <RunDetailView initial={view.initial} errors={view.errors} firstChanges={view.firstChanges} />;
}
