"use client";
import { useActionState, useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { signIn } from "@/lib/actions/auth";

export function LoginForm() {
  const router = useRouter();
  const [state, action, pending] = useActionState(signIn, undefined);
  // controlled, so a failed sign-in (React resets a form after its action) keeps what was typed
  const [username, setUsername] = useState("");
  useEffect(() => {
    if (state?.ok) {
      router.replace("/");
      router.refresh();
    }
  }, [state, router]);
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <form
        action={action}
        className="w-full max-w-sm space-y-4 rounded-xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      >
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Syncline</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">Sign in to see what Git and the store say.</p>
        </div>
        <label className="block text-sm font-medium">
          Username
          <input
            name="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="username"
            required
            autoFocus
            className="mt-1 block w-full rounded-md border border-slate-300 bg-transparent px-3 py-2 dark:border-slate-700"
          />
        </label>
        <label className="block text-sm font-medium">
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            className="mt-1 block w-full rounded-md border border-slate-300 bg-transparent px-3 py-2 dark:border-slate-700"
          />
        </label>
        {state?.error ? (
          <p
            role="alert"
            data-retry-after={state.retryAfterSeconds}
            className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300"
          >
            {state.error}
          </p>
        ) : null}
        <button type="submit" disabled={pending} className="w-full rounded-md bg-sky-700 px-3 py-2 font-medium text-white hover:bg-sky-800 disabled:opacity-60">
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
