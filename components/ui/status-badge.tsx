/** Status colours always travel with an icon and a word, so they read without colour too. */

const tones = {
  green: "bg-emerald-50 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-400/30",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-400/30",
  red: "bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-950 dark:text-red-300 dark:ring-red-400/30",
  blue: "bg-sky-50 text-sky-800 ring-sky-600/30 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-400/30",
  violet: "bg-violet-50 text-violet-800 ring-violet-600/30 dark:bg-violet-950 dark:text-violet-300 dark:ring-violet-400/30",
  gray: "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-400/30",
} as const;

type Tone = keyof typeof tones;

const statusLook: Record<string, { tone: Tone; icon: string }> = {
  Synced: { tone: "green", icon: "✓" },
  OutOfSync: { tone: "amber", icon: "≠" },
  Missing: { tone: "violet", icon: "+" },
  Orphaned: { tone: "gray", icon: "⊘" },
  Error: { tone: "red", icon: "✕" },
  Unknown: { tone: "gray", icon: "?" },
  // run phases
  Pending: { tone: "gray", icon: "…" },
  Running: { tone: "blue", icon: "⟳" },
  Succeeded: { tone: "green", icon: "✓" },
  Failed: { tone: "red", icon: "✕" },
  Interrupted: { tone: "amber", icon: "!" },
  // change actions
  create: { tone: "green", icon: "+" },
  update: { tone: "amber", icon: "~" },
  delete: { tone: "red", icon: "−" },
  unchanged: { tone: "gray", icon: "=" },
  invalid: { tone: "red", icon: "✕" },
  skipped: { tone: "gray", icon: "↷" },
};

export function Badge({ tone = "gray", icon, children, title }: { tone?: Tone; icon?: string; children: React.ReactNode; title?: string }) {
  return (
    <span
      title={title}
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tones[tone]}`}
    >
      {icon ? <span aria-hidden>{icon}</span> : null}
      {children}
    </span>
  );
}

/** Resource/definition sync status, run phase or change action. */
export function StatusBadge({ status, title }: { status: string; title?: string }) {
  const look = statusLook[status] ?? { tone: "gray" as Tone, icon: "•" };
  return (
    <Badge tone={look.tone} icon={look.icon} title={title}>
      <span data-status={status}>{status}</span>
    </Badge>
  );
}

export function DriftBadge() {
  return (
    <Badge tone="red" icon="⚠" title="The live spec was changed outside Git since the last apply">
      Drifted
    </Badge>
  );
}

export function DryRunBadge() {
  return (
    <Badge tone="blue" icon="◌" title="A dry-run records the plan and writes nothing">
      dry-run
    </Badge>
  );
}
