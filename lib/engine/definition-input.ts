/**
 * Input validation for ResourceDefinitions as written in the seed JSON. The zod
 * schema is the single source for the API (request parsing, OpenAPI) and the
 * CLI; parseDefinitionInput reports every bad field at once, with paths such as
 * "spec.gitops.repoURL", so a user fixes a definition in one round trip.
 * Objects the user types by hand (spec, names, gitops, syncPolicy) are strict:
 * a misspelled field like "shema" or "prue" is an error, not silently ignored.
 */
import { z } from "zod";
import type { Definition } from "./types";
import { normalizeGitopsPath } from "./gitops-path";
import { checkRepoUrl } from "./repo-url";
import { checkDnsLabel, checkDnsSubdomain } from "./names";
import { compileSpecValidator } from "./validate";
import { checkGlob, MAX_GLOBS } from "./source-filter";
import { healthRulesInputSchema } from "./health-input";
import { approvalSpecSchema, syncWindowsSchema } from "./sync-windows";

const dnsSubdomain = (what: string) =>
  z.string().superRefine((v, ctx) => {
    const e = checkDnsSubdomain(v, what);
    if (e) ctx.addIssue({ code: "custom", message: e });
  });

const dnsLabel = (what: string) =>
  z.string().superRefine((v, ctx) => {
    const e = checkDnsLabel(v, what);
    if (e) ctx.addIssue({ code: "custom", message: e });
  });

const kindName = z
  .string()
  .max(63, "kind is longer than 63 characters")
  .regex(/^[A-Z][A-Za-z0-9]*$/, "kind must be a PascalCase identifier such as Deployment");

/** Git branch names: refuse what git refuses and anything that could read as an option. */
const branchName = z
  .string()
  .max(255, "branch is longer than 255 characters")
  .superRefine((v, ctx) => {
    const bad =
      v === "" ||
      v.startsWith("-") ||
      v.startsWith("/") ||
      v.endsWith("/") ||
      v.endsWith(".") ||
      v.endsWith(".lock") ||
      v.includes("..") ||
      v.includes("@{") ||
      v.includes("//") ||
      /[\u0000-\u0020\u007f~^:?*[\\]/.test(v);
    if (bad) ctx.addIssue({ code: "custom", message: "branch is not a valid git branch name" });
  });

const stringMap = z.record(z.string(), z.string());

const globList = z
  .array(
    z.string().superRefine((v, ctx) => {
      const e = checkGlob(v);
      if (e) ctx.addIssue({ code: "custom", message: e });
    }),
  )
  .max(MAX_GLOBS, `at most ${MAX_GLOBS} globs`);

export const gitopsInputSchema = z
  .strictObject({
    repoURL: z.string().superRefine((v, ctx) => {
      const e = checkRepoUrl(v);
      if (e) ctx.addIssue({ code: "custom", message: e });
    }),
    branch: branchName.default("main"),
    path: z
      .string()
      .default("/")
      .transform((v, ctx) => {
        const r = normalizeGitopsPath(v);
        if (r.ok) return r.path;
        ctx.addIssue({ code: "custom", message: r.reason });
        return z.NEVER;
      }),
    secretName: dnsSubdomain("secretName").optional(),
    /** the webhook secret (a named secret of type "webhook") pushes for this definition are signed with; default: the secret named "webhook" */
    webhookSecretName: dnsSubdomain("webhookSecretName").optional(),
    interval: z
      .number()
      .int("interval must be a whole number of seconds")
      .min(10, "interval must be at least 10 seconds")
      .max(86400, "interval must be at most 86400 seconds (one day)")
      .default(300),
    /**
     * let operators sync any revision (a pull-request commit fetched by SHA, another branch);
     * off: only commits on `branch` or applied before, other revisions are admin-only (issue 19 M1)
     */
    allowAnyRevision: z.boolean("allowAnyRevision must be true or false").optional(),
    /** Flux's targetNamespace: documents of a Namespaced kind without metadata.namespace go there */
    targetNamespace: dnsLabel("targetNamespace").optional(),
    /** every document goes to targetNamespace, whatever it says (Flux semantics) */
    forceNamespace: z.boolean("forceNamespace must be true or false").optional(),
    /** globs relative to path (picomatch); default ["**\/*.{json,yaml,yml}"] */
    include: globList.optional(),
    /** globs relative to path of files never read, e.g. ["helm-chart/**", "**\/kustomization.yaml"] */
    exclude: globList.optional(),
    /** SOPS decryption (Flux's naming): documents with a `sops` block are decrypted with this `sops-age` secret's identities */
    decryption: z
      .strictObject({
        provider: z.literal("sops", { error: 'provider must be "sops" (the only decryption provider)' }),
        secretName: dnsSubdomain("secretName"),
      })
      .optional(),
  })
  .superRefine((g, ctx) => {
    if (g.forceNamespace && !g.targetNamespace) {
      ctx.addIssue({ code: "custom", path: ["forceNamespace"], message: "forceNamespace needs targetNamespace (the namespace every document is put in)" });
    }
  });

export const syncPolicyInputSchema = z.preprocess(
  // issue 14: `automated: {requireHealthy: true}` (the issue's spelling) is `automated: true, requireHealthy: true`
  (p) => {
    if (typeof p !== "object" || p === null || Array.isArray(p)) return p;
    const a = (p as { automated?: unknown }).automated;
    if (typeof a !== "object" || a === null || Array.isArray(a)) return p;
    const { requireHealthy, ...rest } = a as { requireHealthy?: unknown };
    if (Object.keys(rest).length > 0) return p; // let the strict schema name the unknown field
    return { ...p, automated: true, ...(requireHealthy !== undefined ? { requireHealthy } : {}) };
  },
  z.strictObject({
    automated: z.boolean().default(false),
    prune: z.boolean().default(false),
    selfHeal: z.boolean().default(false),
    atomic: z.boolean().default(false),
    allowEmpty: z.boolean().default(false),
    /** an automated sync of a new commit waits while the definition's health is Degraded (issue 14) */
    requireHealthy: z.boolean().optional(),
  }),
);

const secretPointer = z
  .string()
  .max(512)
  .regex(/^(\/[^/]*)+$/, 'secretPaths entries are JSON pointers into spec, such as "/password" or "/env/*/value"');

export const definitionInputSchema = z.object({
  metadata: z.object({ name: dnsSubdomain("metadata.name") }),
  spec: z.strictObject({
    group: dnsSubdomain("group"),
    version: dnsLabel("version"),
    names: z.strictObject({
      kind: kindName,
      plural: dnsLabel("plural"),
      singular: dnsLabel("singular").optional(),
    }),
    scope: z.enum(["Namespaced", "Cluster"], { error: 'scope must be "Namespaced" or "Cluster"' }),
    handler: z.object({ executorType: z.string().optional(), functionName: z.string().optional() }).catchall(z.unknown()).optional(),
    schema: z
      .record(z.string(), z.unknown())
      .superRefine((schema, ctx) => {
        const compiled = compileSpecValidator(schema);
        if (!compiled.ok) for (const e of compiled.errors) ctx.addIssue({ code: "custom", message: e });
      })
      .optional(),
    gitops: gitopsInputSchema.optional(),
    syncPolicy: syncPolicyInputSchema.prefault({}),
    production: z.boolean().default(false),
    secretPaths: z.array(secretPointer).max(100).default([]),
    /** CEL health rules (issue 14), compiled and type-checked here */
    health: healthRulesInputSchema.optional(),
    syncWindows: syncWindowsSchema.optional(),
    approval: approvalSpecSchema.optional(),
  }),
});

export const resourceInputSchema = z.object({
  kind: kindName,
  metadata: z.object({
    name: dnsSubdomain("metadata.name"),
    namespace: dnsLabel("metadata.namespace").optional(),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
  }),
  spec: z.record(z.string(), z.unknown()).default({}),
});

export type DefinitionInput = z.input<typeof definitionInputSchema>;
export type ResourceInput = z.output<typeof resourceInputSchema>;

export interface FieldError {
  path: string;
  message: string;
}

export type ParseDefinitionResult = { ok: true; value: Definition } | { ok: false; errors: FieldError[] };

export function parseDefinitionInput(json: unknown): ParseDefinitionResult {
  const result = definitionInputSchema.safeParse(json, { error: friendlyMessage });
  if (!result.success) return { ok: false, errors: toFieldErrors(result.error) };
  const { metadata, spec } = result.data;
  const definition: Definition = { metadata: { name: metadata.name }, spec: { ...spec } };
  return { ok: true, value: definition };
}

export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return { path: path || "(root)", message: `unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}` };
    }
    return { path: path || "(root)", message: issue.message };
  });
}

/** Zod's defaults read "Invalid input: expected string, received undefined"; say it plainly. */
function friendlyMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === "invalid_type") {
    if (issue.input === undefined) return "is required";
    return `must be ${issue.expected === "record" ? "an object" : issue.expected === "object" ? "an object" : issue.expected === "array" ? "a list" : `a ${issue.expected}`}`;
  }
  return undefined;
}
