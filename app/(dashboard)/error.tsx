"use client";
/** A failed page shows a readable message and a way back, never a stack. */
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">This page could not be loaded</h1>
      <Alert title="Something went wrong on the server">
        The error was logged{error.digest ? ` (reference ${error.digest})` : ""}. Try again, or go back to the overview.
      </Alert>
      <div className="flex gap-2">
        <Button variant="primary" onClick={reset}>
          Try again
        </Button>
        <Link href="/" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-700">
          Overview
        </Link>
      </div>
    </div>
  );
}
