/** A readable message in the page: errors never arrive as stacks. */
export function Alert({ kind = "error", title, children }: { kind?: "error" | "warning" | "info" | "success"; title?: string; children?: React.ReactNode }) {
  const look = {
    error: { cls: "border-red-300 bg-red-50 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200", icon: "✕" },
    warning: { cls: "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200", icon: "!" },
    info: { cls: "border-sky-300 bg-sky-50 text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-200", icon: "i" },
    success: { cls: "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200", icon: "✓" },
  }[kind];
  return (
    <div role={kind === "error" ? "alert" : "status"} className={`flex gap-2 rounded-lg border px-3 py-2 text-sm ${look.cls}`}>
      <span aria-hidden className="font-bold">
        {look.icon}
      </span>
      <div className="min-w-0 break-words">
        {title ? <p className="font-medium">{title}</p> : null}
        {children}
      </div>
    </div>
  );
}
