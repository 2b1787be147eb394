import { route } from "@/lib/server/http/route";
import { compareHistory } from "@/lib/server/services/history";
import { roleAtLeast } from "@/lib/server/auth/roles";
import { AppError } from "@/lib/server/errors";
import { COMPARE_MODES, type CompareMode } from "@/lib/api/history";

export const dynamic = "force-dynamic";

export const GET = route<{ name: string }>({ role: "viewer" }, ({ params, url, principal }) => {
  const from = url.searchParams.get("from")?.trim();
  const to = url.searchParams.get("to")?.trim();
  const mode = url.searchParams.get("mode") ?? "desired";
  const problems = [
    ...(from ? [] : [{ path: "from", message: "required: a run id, a commit SHA, a tag, a branch or live" }]),
    ...(to ? [] : [{ path: "to", message: "required: a run id, a commit SHA, a tag, a branch or live" }]),
    ...((COMPARE_MODES as readonly string[]).includes(mode) ? [] : [{ path: "mode", message: `one of ${COMPARE_MODES.join(", ")}` }]),
  ];
  if (problems.length > 0 || !from || !to) throw new AppError("VALIDATION_FAILED", "invalid compare request", problems);
  return compareHistory(params.name, {
    from,
    to,
    mode: mode as CompareMode,
    // fetching history for a commit not yet in the store is operator work (as the diff, issue 19 L6)
    fetchMissing: roleAtLeast(principal.role, "operator"),
  });
});
