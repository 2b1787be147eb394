/**
 * Structured logs (pino). Credentials are redacted by key here and by value in the
 * services that know them (redactText), so no secret reaches a log line.
 */
import pino from "pino";

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  redact: { paths: ["password", "token", "*.password", "*.token", "authorization", "*.authorization", "auth"], censor: "***" },
  base: undefined,
});
