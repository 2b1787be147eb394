/**
 * Every server action (lib/actions/*.ts, one file per area) is built here: validate input (zod) → check the caller's role → one
 * service call → a typed result. Errors come back as data the page can show, never a stack.
 */
import "server-only";
import { headers } from "next/headers";
import { z, ZodError } from "zod";
import { AppError, type ErrorCode } from "@/lib/server/errors";
import { requireRole, resolvePrincipal, type Principal } from "@/lib/server/auth/principal";
import type { Role } from "@/lib/api/roles";
import { audit } from "@/lib/server/services/audit";
import { logger } from "@/lib/server/logger";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };

export function defineAction<S extends z.ZodType, T>(
  opts: { input: S; role: Role; name: string },
  handler: (input: z.infer<S>, who: Principal) => Promise<T>,
): (raw: z.input<S>) => Promise<ActionResult<T>> {
  return async (raw) => {
    let who: Principal | null = null;
    try {
      who = await resolvePrincipal(await headers());
      try {
        requireRole(who, opts.role);
      } catch (err) {
        if (who) await audit(who, opts.name, undefined, "denied");
        throw err;
      }
      const input = opts.input.parse(raw);
      return { ok: true, data: await handler(input, who as Principal) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message, details: err.details } };
      if (err instanceof ZodError) {
        return { ok: false, error: { code: "VALIDATION_FAILED", message: err.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") } };
      }
      logger.error({ err: (err as Error).message, action: opts.name }, "server action failed");
      return { ok: false, error: { code: "INTERNAL", message: "Something went wrong on the server; see its log." } };
    }
  };
}
