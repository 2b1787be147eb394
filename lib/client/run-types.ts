/** The run shapes client components get from pages and GET /api/v1/runs/{id}: the wire contract. */
import type { RunChangeView, RunDetailView, RunView } from "@/lib/api/contract";

export type RunSummary = RunView;
export type RunChange = RunChangeView;
export type RunDetail = RunDetailView;
export { isActivePhase } from "@/lib/api/contract";
