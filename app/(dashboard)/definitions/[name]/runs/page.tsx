import { notFound } from "next/navigation";
import { listRuns } from "@/lib/server/services/runs";
import { AppError } from "@/lib/server/errors";
import { RunHistory } from "@/components/runs/run-history";

async function loadRuns(name: string, cursor: string | undefined) {
  try {
    return await listRuns(name, { limit: 50, cursor });
  } catch (err) {
    if (err instanceof AppError && err.code === "NOT_FOUND") return null;
    throw err;
  }
}

export default async function RunHistoryPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<{ cursor?: string }> }) {
  const [{ name }, sp] = await Promise.all([params, searchParams]);
  const page = await loadRuns(name, typeof sp.cursor === "string" ? sp.cursor : undefined);
  if (!page) notFound();
  return <RunHistory definition={name} runs={page.items} nextCursor={page.nextCursor} />;
}
