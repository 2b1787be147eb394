"use client";
import { useNow } from "@/lib/client/use-now";
import { exactTime, relativeTime } from "@/lib/client/format";

/** "5 min ago" with the exact UTC time on hover. */
export function RelativeTime({ iso }: { iso: string | null | undefined }) {
  const now = useNow();
  if (!iso) return <span className="text-slate-500">never</span>;
  return (
    <time dateTime={iso} title={exactTime(iso)} className="whitespace-nowrap">
      {now === null ? exactTime(iso).slice(0, 16) : relativeTime(iso, Math.max(now, Date.parse(iso)))}
    </time>
  );
}
