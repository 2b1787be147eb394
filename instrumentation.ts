// Next calls register() once when a server process starts: boot the store, admin, demo, scheduler.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { bootstrapOrExit } = await import("@/lib/server/bootstrap");
  await bootstrapOrExit();
}
