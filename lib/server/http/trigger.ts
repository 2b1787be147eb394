import type { RunTrigger } from "@/lib/engine/types";

/** The CLI marks its requests so run history can tell "cli" from other API clients. */
export function apiTrigger(req: Request): RunTrigger {
  return req.headers.get("x-syncline-client") === "cli" ? "cli" : "api";
}
