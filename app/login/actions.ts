"use server";
import { headers } from "next/headers";
import { z } from "zod";
import { getAuth } from "@/lib/server/auth/better-auth";
import { findUserByUsername } from "@/lib/server/data/users";
import { recordAuditEvent } from "@/lib/server/data/audit";

const loginInput = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });

export async function signIn(_: { error?: string } | undefined, form: FormData): Promise<{ error?: string; ok?: boolean }> {
  const parsed = loginInput.safeParse({ username: form.get("username"), password: form.get("password") });
  if (!parsed.success) return { error: "Enter a username and a password." };
  const { username, password } = parsed.data;
  try {
    await (await getAuth()).api.signInUsername({ body: { username: username.toLowerCase(), password }, headers: await headers() });
  } catch {
    await recordAuditEvent({ actor: username, actorType: "user", action: "auth.login", result: "denied" });
    return { error: "Wrong username or password." };
  }
  const user = await findUserByUsername(username);
  await recordAuditEvent({ actor: user?.username ?? username, actorType: "user", action: "auth.login", result: "ok" });
  return { ok: true };
}

export async function signOut(): Promise<void> {
  await (await getAuth()).api.signOut({ headers: await headers() });
}
