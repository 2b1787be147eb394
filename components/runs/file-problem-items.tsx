/** The files a run could not read, as items of its Errors list: "path:line:column: message (file skipped)" (issue 21). */
import type { FileProblem } from "@/lib/engine/types";

export function FileProblemItems({ problems }: { problems: readonly FileProblem[] }) {
  return problems.map((p, i) => (
    <li key={`file:${p.path}:${i}`} data-testid="run-file-problem">
      {p.path}
      {p.line ? `:${p.line}` : ""}
      {p.line && p.column ? `:${p.column}` : ""}: {p.message} (file skipped)
    </li>
  ));
}
