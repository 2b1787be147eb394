"use server";
/** Sign in (a form action for useActionState) and sign out. */
import { headers } from "next/headers";
import { z } from "zod";
import { endSession, signInWithPassword } from "@/lib/server/services/sessions";

const loginInput = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });

/** A locked-out attempt answers with the seconds to wait (a server action cannot answer 429 itself). */
export async function signIn(_: { error?: string } | undefined, form: FormData): Promise<{ error?: string; ok?: boolean; retryAfterSeconds?: number }> {
  const parsed = loginInput.safeParse({ username: form.get("username"), password: form.get("password") });
  if (!parsed.success) return { error: "Enter a username and a password." };
  const r = await signInWithPassword(parsed.data.username, parsed.data.password, await headers());
  return r.ok ? { ok: true } : { error: r.error, ...(r.retryAfterSeconds ? { retryAfterSeconds: r.retryAfterSeconds } : {}) };
}

export async function signOut(): Promise<void> {
  await endSession(await headers());
}
