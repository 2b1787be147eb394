/**
 * Runs once per server process (from instrumentation.ts): open and migrate the store,
 * create the first admin, seed the demo on an empty store, mark runs a dead process left
 * Running as Interrupted, subscribe automation to the runtime's events (metrics,
 * notifications, the scheduler, memory release), start the scheduler. Prints the URL and the
 * admin login.
 */
import "server-only";
import { getEnv } from "@/lib/env";
import { getDb, getDbKind } from "@/lib/server/db";
import { ensureAdminUser } from "@/lib/server/services/users";
import { seedDemoIfEmpty } from "@/lib/server/services/demo";
import { startDemoExecutor } from "@/lib/server/services/demo-executor";
import { findUserByUsername } from "@/lib/server/data/users";
import { logger } from "@/lib/server/logger";
import { interruptRuns } from "@/lib/server/data/runs";
import { installRunHooks, startScheduler } from "@/lib/server/scheduler/scheduler";
import { subscribeMetrics } from "@/lib/server/metrics/subscribe";
import { subscribeHealthNotifications, subscribeNotifications } from "@/lib/server/notifications/notify";
import { subscribeMemoryRelease } from "@/lib/server/memory";
import { processSingleton } from "@/lib/server/runtime/singletons";
import { startLiveEvents } from "@/lib/server/live/hub";
import { warmSchemaChecks } from "@/lib/engine/validate";

export function bootstrap(): Promise<void> {
  return processSingleton("booted", run);
}

async function run(): Promise<void> {
  const env = getEnv();
  await getDb();
  const kind = await getDbKind();
  // Runs a dead process left Running: with PGlite this process is the only one, so all of
  // them; with PostgreSQL only those whose owner stopped sending heartbeats.
  const interrupted = await interruptRuns(kind === "pglite" ? { all: true } : { heartbeatBefore: new Date(Date.now() - 60_000) });
  if (interrupted > 0) logger.warn(`marked ${interrupted} run(s) left running by a stopped process as Interrupted`);
  const created = await ensureAdminUser(env.SYNCLINE_ADMIN_PASSWORD);
  if (env.SYNCLINE_DEMO === "1") {
    const admin = await findUserByUsername("admin");
    if (admin) {
      try {
        if (await seedDemoIfEmpty(env.dataDir, { via: "session", userId: admin.id, username: "admin", role: "admin" })) {
          logger.info("seeded the demo repository and two definitions");
        }
      } catch (err) {
        logger.error({ err: (err as Error).message }, "demo seeding failed");
      }
    }
    startDemoExecutor();
  }
  subscribeMetrics();
  subscribeNotifications();
  subscribeHealthNotifications();
  subscribeMemoryRelease();
  installRunHooks();
  await startLiveEvents();
  // the first schema compile would otherwise also compile ajv's meta-schema inside a request
  setImmediate(warmSchemaChecks);
  if (env.SYNCLINE_SCHEDULER !== "0") await startScheduler();
  const url = env.SYNCLINE_PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  const lines = ["", `  Syncline is running at ${url}`, `  store: ${kind === "pglite" ? `embedded PGlite in ${env.dataDir}` : "PostgreSQL"}`];
  if (created) {
    lines.push(
      `  admin login: username "admin", password ${env.SYNCLINE_ADMIN_PASSWORD ? "(from SYNCLINE_ADMIN_PASSWORD)" : `"${created.password}"`}`,
      "  (shown once; change it or create users under Admin → Users)",
    );
  }
  console.log(lines.join("\n") + "\n");
}

/** For instrumentation.ts: a server that cannot open its store stops with one clear line. */
export async function bootstrapOrExit(): Promise<void> {
  try {
    await bootstrap();
  } catch (err) {
    console.error(`Syncline could not start: ${(err as Error).message}`);
    process.exit(1);
  }
}
