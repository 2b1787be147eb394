import { notFound } from "next/navigation";
import { getRunWithChanges } from "@/lib/server/services/runs";
import { AppError } from "@/lib/server/errors";
import { RunDetailView } from "@/components/runs/run-detail-view";
import { RUN_CHANGES_PAGE } from "@/lib/client/query-keys";

async function loadRun(id: string) {
  try {
    // the run and its log, its errors, and the first page of changes: never all 10,000 changes
    return await Promise.all([
      getRunWithChanges(id, { limit: 0 }),
      getRunWithChanges(id, { limit: 200, errorsOnly: true }),
      getRunWithChanges(id, { limit: RUN_CHANGES_PAGE }),
    ]);
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") return null;
    throw err;
  }
}

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const run = /^[0-9a-f-]{36}$/i.test(id) ? await loadRun(id) : null;
  if (!run) notFound();
  const [initial, errors, firstChanges] = JSON.parse(JSON.stringify(run)) as typeof run;
  return <RunDetailView initial={initial} errors={errors} firstChanges={firstChanges} />;
}
