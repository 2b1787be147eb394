"use client";
/**
 * Buttons that say why they are disabled: the reason is the tooltip (on a wrapper, since
 * disabled buttons get no pointer events) and is read out by screen readers too.
 */
import { useId } from "react";
import { buttonClass, type ButtonVariant } from "@/components/ui/button-class";

export function Button({
  variant = "secondary",
  disabledReason,
  busy,
  children,
  className,
  ...rest
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; disabledReason?: string | null; busy?: boolean }) {
  const id = useId();
  const disabled = Boolean(disabledReason) || busy || rest.disabled;
  return (
    <span title={disabledReason ?? undefined} className="inline-flex">
      <button
        type="button"
        {...rest}
        disabled={disabled}
        aria-busy={busy || undefined}
        aria-describedby={disabledReason ? id : undefined}
        data-disabled-reason={disabledReason ?? undefined}
        className={`${buttonClass(variant)} ${className ?? ""}`}
      >
        {busy ? (
          <span aria-hidden className="animate-spin">
            ⟳
          </span>
        ) : null}
        {children}
      </button>
      {disabledReason ? (
        <span id={id} className="sr-only">
          {disabledReason}
        </span>
      ) : null}
    </span>
  );
}
