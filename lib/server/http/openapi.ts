/**
 * The OpenAPI 3.1 document for /api/v1, generated from the zod schemas the routes validate
 * with (lib/server/http/api-schemas.ts). Response shapes are described briefly by hand.
 */
import { z } from "zod";
import {
  approvalVoteSchema,
  definitionInputSchema,
  resourceInputSchema,
  rollbackInputSchema,
  resourceSyncInputSchema,
  syncInputSchema,
  tokenInputSchema,
  userInputSchema,
  userUpdateSchema,
} from "@/lib/server/http/api-schemas";
import { secretInputSchema } from "@/lib/server/services/secrets";
import { knownHostInputSchema } from "@/lib/server/services/ssh-known-hosts";
import { suspendInputSchema } from "@/lib/server/services/suspend";
import { channelInputSchema } from "@/lib/server/services/notifications";
import { providers, providerSpecs } from "@/lib/server/webhooks/providers";
import { globalSyncWindowInputSchema } from "@/lib/engine/sync-windows";
import { APPROVAL_STATES } from "@/lib/api/contract";

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
    },
  },
};

const errors = {
  "400": {
    description: "invalid request: every bad field listed in details",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  },
  "401": { description: "no or invalid credentials", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "403": { description: "role too low, or a cross-origin cookie request", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "404": { description: "not found", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
};

const body = (ref: string) => ({ required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } });
const ok = (description: string, status = "200") => ({ [status]: { description }, ...errors });
const nameParam = { name: "name", in: "path", required: true, schema: { type: "string" } };
const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
/** A request body given inline (the existing components keep their names; new inputs need no $ref). */
const inlineBody = (schema: z.ZodType) => ({ required: true, content: { "application/json": { schema: json(schema) } } });
const signatureHeaders = providers.map((p) => `${p}: ${providerSpecs[p].signature.header}`).join(", ");

export function buildOpenApi(serverUrl?: string) {
  return {
    openapi: "3.1.0",
    info: { title: "Syncline API", version: "1", description: "GitOps control plane for declarative resources kept in Git." },
    servers: serverUrl ? [{ url: serverUrl }] : [],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "API token (POST /api/v1/tokens)" },
        basic: { type: "http", scheme: "basic", description: "only for POST /api/v1/tokens, to bootstrap a token" },
        session: { type: "apiKey", in: "cookie", name: "better-auth.session_token" },
      },
      schemas: {
        Error: errorSchema,
        DefinitionInput: json(definitionInputSchema),
        ResourceInput: json(resourceInputSchema),
        SyncInput: json(syncInputSchema),
        RollbackInput: json(rollbackInputSchema),
        ResourceSyncInput: json(resourceSyncInputSchema),
        TokenInput: json(tokenInputSchema),
        UserInput: json(userInputSchema),
        SecretInput: json(secretInputSchema),
      },
    },
    paths: {
      "/api/healthz": { get: { summary: "liveness and store check", security: [], responses: { "200": { description: "ok" } } } },
      "/api/metrics": {
        get: {
          summary: "Prometheus metrics (text exposition format); a viewer token, or anonymous with SYNCLINE_METRICS_PUBLIC=1",
          responses: { "200": { description: "metrics", content: { "text/plain": { schema: { type: "string" } } } }, "401": errors["401"] },
        },
      },
      "/api/webhooks/{provider}": {
        parameters: [{ name: "provider", in: "path", required: true, schema: { type: "string", enum: providers } }],
        post: {
          summary: "a Git host's push webhook: verified, deduplicated, then a refresh of the definitions that watch the repository and branch",
          description: `No session or token: the signature header is the authentication (${signatureHeaders}), checked against webhook secrets before the body is parsed. Payload SHAs and URLs are never trusted: the branch is re-fetched.`,
          security: [],
          requestBody: { required: true, content: { "application/json": { schema: { type: "object", description: "the provider's push (or ping) event" } } } },
          responses: {
            "200": { description: "ping answered, or a delivery already received" },
            "202": { description: "accepted: the definitions to refresh (or none watch this repository and branch, or the event is ignored)" },
            "400": errors["400"],
            "401": { description: "missing or wrong signature, or no webhook secret configured", content: errors["401"].content },
            "404": { description: "unknown provider", content: errors["404"].content },
            "413": { description: "body over SYNCLINE_WEBHOOK_MAX_BYTES" },
          },
        },
      },
      "/api/v1/openapi.json": { get: { summary: "this document", security: [], responses: { "200": { description: "the OpenAPI 3.1 document" } } } },
      "/api/v1/definitions": {
        get: { summary: "list definitions", responses: ok("definitions with defaults and status") },
        post: {
          summary: "add a ResourceDefinition (admin)",
          requestBody: body("DefinitionInput"),
          responses: { ...ok("created", "201"), "409": { description: "exists" } },
        },
      },
      "/api/v1/definitions/{name}": {
        parameters: [nameParam],
        get: {
          summary: "get a definition",
          responses: ok(
            'the definition; status has headCommit (the branch head), syncedCommit (applied) and appliedOffBranch ("applied commit is not on <branch>" or null); gate = { open, reason, until } (sync windows: until is the next opening when closed) and openApproval (the open approval request or null)',
          ),
        },
        put: { summary: "replace a definition (admin)", requestBody: body("DefinitionInput"), responses: ok("updated") },
        delete: { summary: "delete a definition and its resources (admin)", responses: ok("deleted", "204") },
      },
      "/api/v1/definitions/{name}/sync": {
        parameters: [nameParam, { name: "wait", in: "query", schema: { type: "boolean" } }],
        post: {
          summary:
            "start a sync or dry-run (operator). A real sync of a `revision` applies only a commit on gitops.branch or one this definition applied before, unless the caller is an admin or the definition sets gitops.allowAnyRevision",
          requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/SyncInput" } } } },
          responses: {
            ...ok("the finished run (with ?wait=true)"),
            "202": {
              description:
                "the run, still running; or, for a definition with spec.approval, { approvalRequest } (state Pending, planHash, required, expiresAt): nothing runs until it is approved",
            },
            "403": { description: "role too low, or FORBIDDEN: the revision is not on the branch (details.reason not-on-branch or branch-unverified)" },
            "409": {
              description:
                "SYNC_IN_PROGRESS: a sync is already running; SYNC_WINDOW_CLOSED: outside the sync windows (details { reason, nextOpening }, no run and no lock); CONFLICT: spec.approval needs an approval request",
            },
          },
        },
      },
      "/api/v1/definitions/{name}/resource-sync": {
        parameters: [nameParam, { name: "wait", in: "query", schema: { type: "boolean" } }],
        post: {
          summary:
            "sync one resource (operator): mode sync applies Git's version at the branch head (or the pin), mode revert applies the version the last sync applied (revert drift). Recorded as a run with one change; the definition's applied commit does not move",
          requestBody: body("ResourceSyncInput"),
          responses: {
            ...ok("the finished run (with ?wait=true)"),
            "202": { description: "the run, still running" },
            "409": { description: "SYNC_IN_PROGRESS: a sync is already running; CONFLICT: nothing applied yet to revert to" },
          },
        },
      },
      "/api/v1/definitions/{name}/diff": {
        parameters: [nameParam, { name: "revision", in: "query", schema: { type: "string" } }],
        get: {
          summary:
            "the plan against a revision (default: branch head), without recording a run. Fetching a revision not yet in the server's store (and deepening history for it) needs the operator role",
          responses: {
            ...ok(
              "the plan with per-resource diffs, fileProblems, otherKinds (documents of other kinds by kind), excludedFiles {exclude, sourceignore, include} (files left out, never read) and movedNamespace (documents moved by gitops.forceNamespace)",
            ),
            "403": { description: "role too low: a viewer's revision is not in the store yet (nothing was fetched)" },
          },
        },
      },
      "/api/v1/definitions/{name}/compare": {
        parameters: [
          nameParam,
          {
            name: "from",
            in: "query",
            required: true,
            schema: { type: "string" },
            description: "a run id (or its 8-character short id), a commit SHA (full or short), a tag, a branch, or live (the current store)",
          },
          { name: "to", in: "query", required: true, schema: { type: "string" }, description: "as from" },
          { name: "mode", in: "query", schema: { type: "string", enum: ["desired", "applied"], default: "desired" } },
        ],
        get: {
          summary:
            "compare two points of the definition's history: mode=desired the desired states at the two commits (the sync's read/parse/validate pipeline), mode=applied the store after each run, rebuilt from the recorded changes (a commit stands for its newest applied run). Run ids are tried before Git refs. A commit not yet in the server's store is fetched (operator; a viewer gets 403)",
          responses: {
            ...ok(
              "{definition, kind, mode, from, to (each {ref, type run|commit|live, commit, commitMessage, author, time, run}), counts, fileProblems, changes: [{kind, namespace, name, action create|update|delete|unchanged|invalid, diff, liveYaml (from), desiredYaml (to), error, status}]} with secret paths masked",
            ),
            "403": { description: "role too low: a viewer's commit is not in the store yet (nothing was fetched)" },
            "404": { description: "the definition, or the run / commit / tag / branch named in the message, does not exist" },
            "422": { description: "SOURCE_ERROR: the fetch failed or timed out" },
          },
        },
      },
      "/api/v1/definitions/{name}/commits": {
        parameters: [
          nameParam,
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 20 } },
          { name: "cursor", in: "query", schema: { type: "string" }, description: "nextCursor of the previous page" },
        ],
        get: {
          summary:
            "the commits of gitops.branch (first parent, newest first) that changed anything under the definition's gitops path, each with whether and when a run applied it, dry-ran it or rolled back to it",
          responses: ok(
            "{definition, branch, path, items: [{sha, author, time, message, applied {runId, at} | null, dryRun, rolledBackTo, current}], nextCursor, scanned}",
          ),
        },
      },
      "/api/v1/definitions/{name}/source-files": {
        parameters: [
          nameParam,
          { name: "q", in: "query", required: true, schema: { type: "string", maxLength: 512 }, description: "a file path or part of one" },
        ],
        get: {
          summary:
            "why a file under the definition's path is or is not read at its branch head (or pin): each matching file (up to 50) with status read | excluded and, when excluded, the reason: the gitops.exclude glob, the .sourceignore file and line, or no gitops.include glob",
          responses: ok("{definition, commit, path, query, matches: [{path, status, reason?: {source, pattern, file?, line?}, because?}], truncated}"),
        },
      },
      "/api/v1/definitions/{name}/runs": { parameters: [nameParam], get: { summary: "run history", responses: ok("runs, newest first") } },
      "/api/v1/definitions/{name}/rollback": {
        parameters: [nameParam],
        post: {
          summary: "sync to an earlier applied commit (or one on the branch) and pin there (operator; any other commit: admin)",
          requestBody: body("RollbackInput"),
          responses: {
            ...ok("the run"),
            "202": { description: "running" },
            "403": { description: "role too low, or the commit is neither on the branch nor applied before" },
          },
        },
      },
      "/api/v1/definitions/{name}/resume": { parameters: [nameParam], post: { summary: "remove the rollback pin (operator)", responses: ok("unpinned") } },
      "/api/v1/definitions/{name}/refresh": {
        parameters: [nameParam],
        post: {
          summary:
            "refresh now: branch head, status and drift; an automated definition also syncs a new commit, as on its interval (operator). Coalesced per definition: a request joins one in flight or gets the answer of one from the last 10 s",
          responses: {
            ...ok("the refresh result (kind, head, drifted, error, sync)"),
            "202": { description: "queued: another replica holds the definition and refreshes it" },
          },
        },
      },
      "/api/v1/definitions/{name}/suspend": {
        parameters: [nameParam],
        get: { summary: "whether automation is suspended, why, until when and by whom", responses: ok("the suspension") },
        post: {
          summary: "suspend auto-sync with a reason and an optional expiry; refreshes continue (operator)",
          requestBody: inlineBody(suspendInputSchema),
          responses: ok("the suspension"),
        },
      },
      "/api/v1/definitions/{name}/unsuspend": {
        parameters: [nameParam],
        post: { summary: "resume auto-sync (operator)", responses: ok("the suspension, now off") },
      },
      "/api/v1/definitions/{name}/webhook": {
        parameters: [nameParam],
        get: {
          summary: "the webhook URL per provider, the header each signs with, and the name of the signing secret (never its value)",
          responses: ok("webhook info"),
        },
      },
      "/api/v1/events": {
        get: {
          summary:
            "live events as Server-Sent Events (viewer): run.started, run.progress (at most 4/s per run), run.finished, definition.status (the definition's summary), resource.changed (keys with the new sync status after a sync, or the new health after status writes; coalesced; changes null = refetch), reset (cannot resume: refetch), closed (credentials revoked or client too slow). Every event has an id; send Last-Event-ID to resume. A comment line every 15 s. No event carries a spec, a document or a secret value",
          parameters: [
            { name: "definition", in: "query", schema: { type: "string" }, description: "only this definition's events" },
            { name: "Last-Event-ID", in: "header", schema: { type: "string" }, description: "resume after this event (or the lastEventId query parameter)" },
          ],
          responses: {
            "200": {
              description: "text/event-stream; headers Cache-Control: no-cache, X-Accel-Buffering: no",
              content: { "text/event-stream": { schema: { type: "string" } } },
            },
            "429": { description: "too many open streams for this user", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
            ...errors,
          },
        },
      },
      "/api/v1/runs/{id}": {
        parameters: [
          {
            name: "id",
            in: "path",
            required: true,
            schema: { type: "string" },
            description: "the run id, or its first 8 or more characters (as the UI shows it)",
          },
        ],
        get: {
          summary:
            "a run with its per-resource changes, diffs, errors, file problems and log; problems (invalid resources + file problems) and outcome (SucceededWithProblems for a Succeeded run with problems)",
          parameters: [
            { name: "actions", in: "query", schema: { type: "string" }, description: "comma-separated change actions (create,update,delete,…)" },
            { name: "name", in: "query", schema: { type: "string" }, description: "only changes whose name contains this" },
            { name: "errors", in: "query", schema: { type: "string", enum: ["true"] }, description: "only changes with an error" },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 0, maximum: 5000, default: 500 } },
            { name: "offset", in: "query", schema: { type: "integer", minimum: 0, default: 0 } },
          ],
          responses: ok("the run"),
        },
      },
      "/api/v1/resources": {
        get: {
          summary: "list resources",
          parameters: [
            ...["kind", "namespace", "labelSelector", "cursor", "limit"].map((n) => ({ name: n, in: "query", schema: { type: "string" } })),
            {
              name: "health",
              in: "query",
              schema: { type: "string" },
              description: "comma-separated: Healthy, Progressing, Degraded, Unknown, Missing, Suspended, or None (not assessed)",
            },
          ],
          responses: ok("a page of resources in the seed's shape, with status.gitSync"),
        },
        post: {
          summary: "create a resource (operator)",
          requestBody: body("ResourceInput"),
          responses: { ...ok("created", "201"), "422": { description: "spec does not match the schema: a JSON pointer per error" } },
        },
      },
      "/api/v1/resources/{kind}/{namespace}/{name}": {
        parameters: ["kind", "namespace", "name"].map((n) => ({
          name: n,
          in: "path",
          required: true,
          schema: { type: "string" },
          description: n === "namespace" ? "'_' for Cluster-scoped" : undefined,
        })),
        get: {
          summary:
            "get a resource: secret paths (the definition's secretPaths and SOPS-decrypted values, listed in status.sopsPaths) are masks `<secret:xxxxxxxx>`",
          parameters: [
            {
              name: "reveal",
              in: "query",
              required: false,
              schema: { type: "boolean" },
              description:
                "true: the cleartext of the secret paths. Executor tokens only (the role of a definition's handler); every other role gets 403. Every reveal, allowed or refused, is audited (resource.reveal)",
            },
          ],
          responses: { ...ok("the resource"), "403": { description: "reveal=true without the executor role (audited as denied)" } },
        },
        put: {
          summary: "replace a resource (operator); on a Git-managed one this creates drift, audited",
          requestBody: body("ResourceInput"),
          responses: { ...ok("updated"), "422": { description: "spec invalid" } },
        },
        delete: { summary: "delete a resource (operator)", responses: ok("deleted", "204") },
      },
      ...healthPaths(),
      "/api/v1/tokens": {
        get: { summary: "your API tokens (admins: all)", responses: ok("tokens, never their values") },
        post: {
          summary: "issue an API token, shown once, with its expiresAt; from a session or HTTP Basic only (a token cannot mint tokens)",
          security: [{ session: [] }, { basic: [] }],
          requestBody: body("TokenInput"),
          responses: {
            ...ok("the token", "201"),
            "403": { description: "the request was authenticated with an API token, or asked for a role above the caller's" },
            "429": { description: "too many failed passwords for this user name or client; Retry-After says when to try again" },
          },
        },
      },
      "/api/v1/tokens/{id}": { parameters: [idParam], delete: { summary: "revoke a token", responses: ok("revoked", "204") } },
      "/api/v1/secrets": {
        get: { summary: "secret names and types (admin); values are never returned", responses: ok("names") },
        post: {
          summary:
            "create or replace a secret (admin). Types: git-basic, git-token, webhook, and sops-age (`identities`: AGE-SECRET-KEY-1… / AGE-SECRET-KEY-PQ-1… lines, comments allowed) for spec.gitops.decryption; validated on save, never echoed",
          requestBody: body("SecretInput"),
          responses: { ...ok("stored", "201"), "400": { description: "invalid values: the field (and for identities the line) is named, never the value" } },
        },
      },
      "/api/v1/secrets/{name}": { parameters: [nameParam], delete: { summary: "delete a secret (admin)", responses: ok("deleted", "204") } },
      "/api/v1/ssh-known-hosts": {
        get: { summary: "Syncline's trusted SSH host keys (admin): host, port, key type, key, SHA256 fingerprint", responses: ok("the keys") },
        post: {
          summary:
            'trust an SSH host key (admin, audited): { host, port?, key: "ssh-ed25519 AAAA…" }, or { host, port?, fingerprint } to trust the key the host presents now only if its fingerprint is that one',
          requestBody: inlineBody(knownHostInputSchema),
          responses: {
            ...ok("the trusted key", "201"),
            "409": { description: "the host presents another fingerprint than the one confirmed; nothing was trusted" },
          },
        },
      },
      "/api/v1/ssh-known-hosts/scan": {
        get: {
          summary: "the SSH host key host:port presents now (admin, audited; no authentication, nothing trusted): compare its fingerprint before trusting it",
          parameters: [
            { name: "host", in: "query", required: true, schema: { type: "string" } },
            { name: "port", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 65535 } },
          ],
          responses: ok("host, port, keyType, key, fingerprint"),
        },
      },
      "/api/v1/ssh-known-hosts/{id}": {
        parameters: [idParam],
        delete: { summary: "stop trusting an SSH host key (admin, audited)", responses: ok("removed", "204") },
      },
      "/api/v1/notifications": {
        get: { summary: "notification channels (admin); URLs only as a redacted hint", responses: ok("channels") },
        post: {
          summary: "add a notification channel (admin): a generic JSON or Slack webhook URL, for all definitions or one, for chosen events",
          requestBody: inlineBody(channelInputSchema),
          responses: { ...ok("the channel", "201"), "409": { description: "a channel with this name exists" } },
        },
      },
      "/api/v1/notifications/{id}": { parameters: [idParam], delete: { summary: "remove a notification channel (admin)", responses: ok("removed", "204") } },
      "/api/v1/notifications/deliveries": {
        parameters: [{ name: "channel", in: "query", schema: { type: "string" }, description: "a channel id" }],
        get: { summary: "recent notification deliveries and their outcome (admin)", responses: ok("deliveries, newest first") },
      },
      "/api/v1/users": {
        get: { summary: "users (admin)", responses: ok("users") },
        post: { summary: "create a user (admin)", requestBody: body("UserInput"), responses: ok("created", "201") },
      },
      "/api/v1/users/{id}": {
        parameters: [idParam],
        patch: {
          summary: "rename, change the role of, disable or enable a user (admin; each change audited)",
          requestBody: inlineBody(userUpdateSchema),
          responses: {
            ...ok("the fields that changed (disabling also reports sessionsEnded)"),
            "409": { description: "the last enabled admin cannot be demoted or disabled" },
          },
        },
        delete: {
          summary: "delete a user with their sessions and API tokens (admin)",
          responses: { ...ok("deleted", "204"), "409": { description: "the last enabled admin cannot be deleted" } },
        },
      },
      "/api/v1/users/{id}/sessions": {
        parameters: [idParam],
        delete: { summary: "sign a user out everywhere (admin; audited); API tokens are revoked separately", responses: ok("sessions ended") },
      },
      "/api/v1/audit": { get: { summary: "audit log (admin)", responses: ok("events, newest first") } },
      "/api/v1/sync-windows": {
        get: { summary: "global sync windows (issue 15); each applies to the definitions its match selects", responses: ok("{ items }") },
        post: {
          summary:
            "add a global sync window (admin, audited): { kind: allow|deny, schedule (5-field cron), duration (1h30m), timeZone?, manualSync?, reason?, match: { definitions?: globs, production? } }",
          requestBody: inlineBody(globalSyncWindowInputSchema),
          responses: ok("the window", "201"),
        },
      },
      "/api/v1/sync-windows/{id}": {
        parameters: [idParam],
        delete: { summary: "remove a global sync window (admin, audited)", responses: ok("removed", "204") },
      },
      "/api/v1/approval-requests": {
        parameters: [
          { name: "definition", in: "query", schema: { type: "string" } },
          { name: "state", in: "query", schema: { type: "string", enum: [...APPROVAL_STATES] } },
        ],
        get: { summary: "approval requests, newest first (without their plans)", responses: ok("{ items }") },
      },
      "/api/v1/approval-requests/{id}": {
        parameters: [idParam],
        get: { summary: "an approval request with the reviewed plan (the diff), its votes and the run it started", responses: ok("the request") },
      },
      "/api/v1/approval-requests/{id}/approve": {
        parameters: [idParam],
        post: {
          summary:
            "approve (operator; never the requester, one person counts once). At the required count the plan is made again and applied only if its hash equals the reviewed one",
          requestBody: inlineBody(approvalVoteSchema),
          responses: {
            ...ok("the request (Pending, Approved waiting for a window, or Applied with runId)"),
            "403": { description: "role too low, or APPROVAL_NOT_ALLOWED (details.reason)" },
            "409": {
              description:
                "PLAN_STALE: the plan changed since it was reviewed (details.changed), the request is Stale and nothing was applied; CONFLICT: the request is no longer Pending",
            },
          },
        },
      },
      "/api/v1/approval-requests/{id}/reject": {
        parameters: [idParam],
        post: {
          summary: "reject (operator; never the requester); the request ends Rejected",
          requestBody: inlineBody(approvalVoteSchema),
          responses: {
            ...ok("the request"),
            "403": { description: "role too low, or APPROVAL_NOT_ALLOWED (details.reason)" },
            "409": { description: "CONFLICT: the request is no longer Pending" },
          },
        },
      },
    },
  };
}

/** Issue 14: the status subresource and the health history. */
function healthPaths() {
  const parameters = ["kind", "namespace", "name"].map((n) => ({ name: n, in: "path", required: true, schema: { type: "string" } }));
  const statusBody = {
    required: true,
    content: {
      "application/json": {
        schema: {
          type: "object",
          required: ["status"],
          additionalProperties: false,
          properties: {
            status: {
              type: "object",
              description: "anything the executor reports (status.observedGeneration: an integer); gitSync, health and the other server keys are reserved",
            },
          },
        },
      },
    },
  };
  const responses = {
    "200": { description: "the resource with its status and recomputed status.health" },
    "400": { description: "a reserved field (named) or a body that is not {status: {...}}" },
    "403": { description: "not an executor token or an operator" },
    "413": { description: "body over 64 KiB" },
  };
  return {
    "/api/v1/resources/{kind}/{namespace}/{name}/status": {
      parameters,
      put: {
        summary: "replace the status (executor tokens and operators); never changes spec, never drift, never starts a sync",
        requestBody: statusBody,
        responses,
      },
      patch: { summary: "merge into the status (JSON merge patch, RFC 7396; null removes a key)", requestBody: statusBody, responses },
    },
    "/api/v1/resources/{kind}/{namespace}/{name}/health": {
      parameters,
      get: {
        summary: "the resource's health transitions, newest first (the last 50)",
        responses: { "200": { description: "{items: [{from, to, message, at}]}" } },
      },
    },
  };
}
