/**
 * `spec.health` as a definition states it (issue 14): the rules are compiled and type-checked
 * at save, so a bad expression is a 400 naming `spec.health.<field>` with its position, never a
 * surprise at evaluation time.
 */
import { z } from "zod";
import { compileHealthRules } from "./health";

const expression = z.string();
const seconds = (what: string, max: number) =>
  z.number().int(`${what} must be a whole number of seconds`).min(1, `${what} must be at least 1 second`).max(max, `${what} must be at most ${max} seconds`);

export const healthRulesInputSchema = z
  .strictObject({
    inProgress: expression.optional(),
    failed: expression.optional(),
    current: expression,
    progressDeadlineSeconds: seconds("progressDeadlineSeconds", 7 * 86400).optional(),
    staleAfterSeconds: seconds("staleAfterSeconds", 7 * 86400).optional(),
  })
  .superRefine((rules, ctx) => {
    const compiled = compileHealthRules(rules);
    if (compiled.ok) return;
    // paths are relative to spec.health here; zod prefixes the rest
    for (const e of compiled.errors) ctx.addIssue({ code: "custom", path: [e.path.slice("spec.health.".length)], message: e.message });
  });
