/**
 * Environment, validated once. Every other module reads settings from here, never from
 * process.env directly, so a typo in a variable name fails at start and not at 3 a.m.
 */
import path from "node:path";
import ipaddr from "ipaddr.js";
import { z } from "zod";

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL (leave it unset for the embedded store)")
    .optional(),
  SYNCLINE_DATA_DIR: z.string().default("./data"),
  SYNCLINE_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "SYNCLINE_SECRET_KEY must be 64 hex characters (32 bytes)")
    .optional(),
  SYNCLINE_ADMIN_PASSWORD: z.string().min(8).optional(),
  SYNCLINE_PUBLIC_URL: z.string().url().optional(),
  SYNCLINE_DEMO: z.enum(["0", "1"]).default("1"),
  SYNCLINE_SCHEDULER: z.enum(["0", "1"]).default("1"),
  // 1 = a full garbage collection after each large run (lib/server/memory.ts): less RSS between runs, ~50 ms pauses
  SYNCLINE_FORCE_GC: z.enum(["0", "1"]).default("0"),
  // automation timings (tests shorten them); see lib/server/scheduler/config.ts
  SYNCLINE_SCHEDULER_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  SYNCLINE_MIN_INTERVAL_S: z.coerce.number().int().min(1).max(86_400).default(10),
  SYNCLINE_REFRESH_JITTER: z.coerce.number().min(0).max(0.5).default(0.1),
  SYNCLINE_LEASE_TTL_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  SYNCLINE_RUN_STALE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  SYNCLINE_AUTO_BACKOFF_BASE_MS: z.coerce.number().int().min(10).default(5_000),
  SYNCLINE_AUTO_BACKOFF_MAX_MS: z.coerce.number().int().min(10).default(180_000),
  SYNCLINE_NOTIFY_BACKOFF_BASE_MS: z.coerce.number().int().min(10).default(2_000),
  SYNCLINE_NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  SYNCLINE_WEBHOOK_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  // 1 = GET /api/metrics without a token (for a scraper on a private network)
  SYNCLINE_METRICS_PUBLIC: z.enum(["0", "1"]).default("0"),
  // Git over HTTP(S) and SSH: one request's limit, headers to last byte, and the longest wait with no byte either way
  SYNCLINE_GIT_TIMEOUT_S: z.coerce.number().int().min(1).max(3_600).default(120),
  SYNCLINE_GIT_IDLE_TIMEOUT_S: z.coerce.number().int().min(1).max(3_600).default(30),
  SYNCLINE_ALLOW_HOSTS: z.string().optional(),
  SYNCLINE_DENY_HOSTS: z.string().optional(),
  // 1 = repoURLs may name local paths (absolute or file://) anywhere; 0 = only the demo's own repository
  SYNCLINE_ALLOW_LOCAL_REPOS: z.enum(["0", "1"]).default("0"),
  // reverse proxies whose X-Forwarded-For is believed (IPs / CIDR ranges, comma-separated); unset = none
  SYNCLINE_TRUSTED_PROXIES: z
    .string()
    .optional()
    .refine(
      (v) =>
        (v ?? "")
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
          .every((e) => (e.includes("/") ? ipaddr.isValidCIDR(e) : ipaddr.isValid(e))),
      {
        message: "SYNCLINE_TRUSTED_PROXIES must be IP addresses or CIDR ranges, comma-separated",
      },
    ),
  // failed password checks for one user name from one client before sign-in backs off (lib/server/auth/password-attempts.ts)
  SYNCLINE_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  // the longest lifetime an API token may be given (default lifetime: 90 days, or this when shorter)
  SYNCLINE_TOKEN_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  PORT: z.coerce.number().int().positive().default(3000),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
});

export type Env = z.infer<typeof envSchema> & { dataDir: string };

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const raw = { ...process.env };
  // An empty DATABASE_URL means "unset" (shells and CI often export empty values).
  if (raw.DATABASE_URL === "" || raw.DATABASE_URL?.startsWith("postgresql://unused@")) delete raw.DATABASE_URL;
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = { ...parsed.data, dataDir: path.resolve(parsed.data.SYNCLINE_DATA_DIR) };
  return cached;
}

/** Tests change the environment between suites. */
export function resetEnvForTests(): void {
  cached = undefined;
}
