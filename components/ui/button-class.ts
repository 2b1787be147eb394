/** Button look, shared by <Button> and links styled as buttons (usable in server components). */
const variants = {
  // sky-700 / red-700 on white text: 5.9:1 and 6.5:1 (WCAG AA needs 4.5:1; sky-600 was 4.1:1)
  primary: "bg-sky-700 text-white hover:bg-sky-800 disabled:bg-sky-700/60",
  danger: "bg-red-700 text-white hover:bg-red-800 disabled:bg-red-700/60",
  secondary:
    "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800 dark:disabled:text-slate-500",
} as const;

export type ButtonVariant = keyof typeof variants;

export const buttonClass = (variant: keyof typeof variants = "secondary") =>
  `inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium disabled:cursor-not-allowed ${variants[variant]}`;
