/** A small inline SVG chart of recent runs: bar height = duration, colour + shape = outcome. */
import type { RunSummary } from "@/lib/client/run-types";
import { formatDuration, shortSha } from "@/lib/client/format";

const fill: Record<string, string> = {
  Succeeded: "fill-emerald-500",
  Failed: "fill-red-500",
  Interrupted: "fill-amber-500",
  Running: "fill-sky-500",
  Pending: "fill-slate-400",
};

export function RunChart({ runs }: { runs: RunSummary[] }) {
  const recent = runs.slice(0, 40).reverse();
  if (recent.length === 0) return null;
  const W = 640;
  const H = 120;
  const pad = 24;
  const max = Math.max(1, ...recent.map((r) => r.durationMs ?? 0));
  const bw = Math.min(28, (W - pad * 2) / recent.length - 4);
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
      <figcaption className="mb-1 flex flex-wrap gap-3 text-xs text-slate-500">
        <span>Recent runs, oldest left · bar height = duration (max {formatDuration(max)})</span>
        <span>
          <span className="text-emerald-600">■</span> succeeded
        </span>
        <span>
          <span className="text-red-600">▲</span> failed
        </span>
        <span>
          <span className="text-amber-600">◆</span> interrupted
        </span>
        <span>hatched = dry-run</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-32 w-full"
        role="img"
        aria-label={`Durations and outcomes of the last ${recent.length} runs`}
        data-testid="run-chart"
      >
        <defs>
          <pattern id="dry" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="2" height="4" className="fill-white/60 dark:fill-slate-900/60" />
          </pattern>
        </defs>
        <line x1={pad} x2={W - pad} y1={H - pad} y2={H - pad} className="stroke-slate-300 dark:stroke-slate-700" />
        {recent.map((r, i) => {
          const x = pad + i * ((W - pad * 2) / recent.length) + 2;
          const h = Math.max(3, ((r.durationMs ?? 0) / max) * (H - pad * 2));
          const y = H - pad - h;
          return (
            <g key={r.id}>
              <title>{`${r.phase}${r.dryRun ? " (dry-run)" : ""} · ${formatDuration(r.durationMs)} · ${shortSha(r.commit)} · ${r.trigger}`}</title>
              <rect x={x} y={y} width={bw} height={h} rx={2} className={fill[r.phase] ?? "fill-slate-400"} />
              {r.dryRun ? <rect x={x} y={y} width={bw} height={h} fill="url(#dry)" /> : null}
              <text x={x + bw / 2} y={H - pad + 14} textAnchor="middle" className="fill-slate-500 text-[10px]">
                {r.phase === "Failed" ? "▲" : r.phase === "Interrupted" ? "◆" : r.phase === "Succeeded" ? "■" : "•"}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
