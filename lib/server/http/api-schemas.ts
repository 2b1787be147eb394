/**
 * Request bodies of /api/v1, as zod schemas. Route handlers validate with these, and
 * /api/v1/openapi.json is generated from the same objects, so the document cannot drift.
 */
import { z } from "zod";
import { definitionInputSchema, resourceInputSchema } from "@/lib/engine/definition-input";
import { roles, userRoles } from "@/lib/server/auth/roles";

export { definitionInputSchema, resourceInputSchema };

export const syncInputSchema = z.object({
  dryRun: z.boolean().optional().describe("plan and record a run without writing to the store"),
  revision: z.string().min(4).max(250).optional().describe("commit SHA (full or short) or tag; default: the branch head"),
  prune: z.boolean().optional().describe("delete managed resources that left Git (never when the path vanished or Git is empty)"),
  waitForHealthy: z
    .boolean()
    .optional()
    .describe(
      "keep the run open (Running, 'waiting for health') after applying until the applied resources are Healthy; Failed when not by the deadline (needs spec.health)",
    ),
  healthTimeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(86400)
    .optional()
    .describe("waitForHealthy's deadline; default the definition's spec.health.progressDeadlineSeconds (600)"),
});

export const resourceSyncInputSchema = z.object({
  namespace: z.string().max(253).default("").describe("the resource's namespace (empty for cluster-scoped kinds)"),
  name: z.string().min(1).max(253).describe("the resource's name"),
  mode: z
    .enum(["sync", "revert"])
    .default("sync")
    .describe("sync: apply Git's version at the branch head (or the pin); revert: apply the version the last sync applied (revert drift)"),
});

export const rollbackInputSchema = z
  .object({
    commit: z
      .string()
      .regex(/^[0-9a-fA-F]{4,40}$/, "a commit SHA")
      .optional(),
    runId: z.string().uuid().optional(),
  })
  .refine((v) => v.commit || v.runId, { message: "give commit or runId" });

export const tokenInputSchema = z.object({
  name: z.string().min(1).max(100),
  role: z
    .enum(roles)
    .optional()
    .describe(
      "at most the caller's role; default: the caller's role; executor (reads secret cleartext with ?reveal=true) may be issued by operators and admins",
    ),
  expiresInDays: z.number().int().min(1).max(3650).optional().describe("lifetime in days; default 90, at most SYNCLINE_TOKEN_MAX_DAYS (365 unless set)"),
});

export const userUpdateSchema = z
  .object({
    username: z.string().max(63).optional().describe("a new user name (admins only; reserved names such as system are refused)"),
    role: z.enum(userRoles).optional().describe("a new role (executor is for API tokens only); the last enabled admin cannot be demoted (409)"),
    disabled: z.boolean().optional().describe("true: no sign-in, sessions ended, tokens refused; false: enabled again"),
  })
  .strict()
  .refine((v) => v.username !== undefined || v.role !== undefined || v.disabled !== undefined, { message: "give username, role or disabled" });

export const userInputSchema = z.object({
  username: z.string(),
  password: z.string(),
  role: z.enum(userRoles).default("viewer"),
});

/** POST /approval-requests/{id}/approve and /reject (issue 15) */
export const approvalVoteSchema = z.object({
  comment: z.string().max(2000).optional().describe("shown on the request and linked from the run"),
});
