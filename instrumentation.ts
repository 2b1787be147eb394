// Next calls register() once when a server process starts: boot the store, admin, demo, scheduler.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  // before any request is answered: X-Forwarded-For becomes the socket peer (or what a trusted
  // proxy forwarded), since route handlers never see the socket (lib/server/auth/client-address.ts)
  const { installClientAddressStamp } = await import("@/lib/server/auth/client-address");
  try {
    installClientAddressStamp(process.env.SYNCLINE_TRUSTED_PROXIES);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const { bootstrapOrExit } = await import("@/lib/server/bootstrap");
  await bootstrapOrExit();
  // executors' status writes are answered before Next's routing, which costs more than the write
  // (lib/server/http/status-fast-path.ts)
  const { installStatusFastPath } = await import("@/lib/server/http/status-fast-path");
  installStatusFastPath();
}
