import { notFound } from "next/navigation";
import { getRunWithChanges } from "@/lib/server/services/runs";
import { AppError } from "@/lib/server/errors";
import { RunDetailView } from "@/components/runs/run-detail-view";

async function loadRun(id: string) {
  try {
    return await getRunWithChanges(id, { limit: 500 });
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") return null;
    throw err;
  }
}

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const run = /^[0-9a-f-]{36}$/i.test(id) ? await loadRun(id) : null;
  if (!run) notFound();
  return <RunDetailView initial={JSON.parse(JSON.stringify(run))} />;
}
