/** Health (issue 14): a badge with icon and word, and the filter select the tables and the overview share. */
import { Badge } from "@/components/ui/status-badge";
import { HEALTH_STATUSES } from "@/lib/api/vocabulary";

const look: Record<string, { tone: "green" | "amber" | "red" | "blue" | "violet" | "gray"; icon: string }> = {
  Healthy: { tone: "green", icon: "♥" },
  Progressing: { tone: "blue", icon: "⟳" },
  Degraded: { tone: "red", icon: "✕" },
  Unknown: { tone: "gray", icon: "?" },
  Missing: { tone: "violet", icon: "+" },
  Suspended: { tone: "gray", icon: "⏸" },
};

/** null: the definition has no health rules; shown as "—", never as a fake Healthy. */
export function HealthBadge({ health, message }: { health: string | null; message?: string | null }) {
  if (!health) {
    return (
      <span className="text-slate-400" title="health is not assessed: the definition has no spec.health rules" data-health="">
        —
      </span>
    );
  }
  const l = look[health] ?? { tone: "gray" as const, icon: "•" };
  return (
    <Badge tone={l.tone} icon={l.icon} title={message ?? undefined}>
      <span data-health={health}>{health}</span>
    </Badge>
  );
}

/** A `health` select for a GET form. */
export function HealthFilter({ value, name = "health" }: { value: string; name?: string }) {
  return (
    <label className="text-xs font-medium">
      Health
      <select
        name={name}
        defaultValue={value}
        data-testid="health-filter"
        className="mt-0.5 block rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
      >
        {["", ...HEALTH_STATUSES, "None"].map((h) => (
          <option key={h} value={h}>
            {h === "" ? "all" : h === "None" ? "not assessed" : h}
          </option>
        ))}
      </select>
    </label>
  );
}
