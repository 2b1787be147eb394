/**
 * The JSON shapes /api/v1 answers with, as the CLI reads them: the shared wire contract
 * (lib/api/contract.ts), never the server's code — the CLI is an HTTP client.
 */
export type {
  ApprovalRequestView,
  DefinitionView,
  DiffChangeView,
  DiffView,
  GateView,
  Page,
  ResourceView,
  RunChangeView,
  RunDetailView,
  RunView,
} from "@/lib/api/contract";
export { FINAL_PHASES } from "@/lib/api/contract";
