/**
 * POST /api/webhooks/{provider}: verify → read (capped) → dedupe → parse → match → refresh.
 * The signature is checked on raw bytes before any parsing; an unsigned or wrongly signed
 * delivery gets 401 and nothing else happens. The pushed SHA is never used: the refresh asks
 * the remote for the branch head itself. Malformed signed payloads get 4xx/2xx, never 500.
 */
import "server-only";
import crypto from "node:crypto";
import { getEnv } from "@/lib/env";
import { getGitopsSources } from "@/lib/server/data/definition-automation";
import { recordDelivery } from "@/lib/server/data/webhook-deliveries";
import { getMetrics } from "@/lib/server/metrics/registry";
import { logger } from "@/lib/server/logger";
import { reconcileNow, requestRefresh } from "@/lib/server/runtime/refresh-queue";
import { forgetBranchHeads } from "@/lib/server/services/shared-git";
import { parseEvent, providers, providerSpecs, type Provider } from "@/lib/server/webhooks/providers";
import { readCappedBody } from "@/lib/server/webhooks/read-body";
import { normalizeRepoUrl } from "@/lib/server/webhooks/repo-match";
import { candidateSecrets, webhookSecretNameOf } from "@/lib/server/webhooks/secrets";
import { matchHmac, matchToken } from "@/lib/server/webhooks/verify";

function answer(provider: string, result: string, status: number, body: Record<string, unknown>): Response {
  getMetrics().webhookDeliveries.inc({ provider: providers.includes(provider as Provider) ? provider : "unknown", result });
  return Response.json(status >= 400 ? { error: { code: body.code, message: body.message, details: null } } : { result, ...body }, { status });
}

const unauthorized = (p: string, message = "webhook signature missing or invalid") => answer(p, "unauthorized", 401, { code: "UNAUTHORIZED", message });

function decode(bytes: Buffer, contentType: string | null): unknown {
  const text = bytes.toString("utf8");
  // GitHub can be set to send application/x-www-form-urlencoded with the JSON in "payload".
  if (contentType?.includes("application/x-www-form-urlencoded")) {
    const payload = new URLSearchParams(text).get("payload");
    if (payload === null) throw new Error("form body without a payload field");
    return JSON.parse(payload);
  }
  return JSON.parse(text);
}

export async function handleWebhook(providerName: string, req: Request): Promise<Response> {
  if (!providers.includes(providerName as Provider)) {
    return answer(providerName, "unknown-provider", 404, {
      code: "NOT_FOUND",
      message: `unknown webhook provider ${providerName}; use one of ${providers.join(", ")}`,
    });
  }
  const provider = providerName as Provider;
  const spec = providerSpecs[provider];
  const sigHeader = req.headers.get(spec.signature.header);
  if (!sigHeader) return unauthorized(provider, `missing ${spec.signature.header} header`);
  const secrets = await candidateSecrets();
  if (secrets.length === 0) return unauthorized(provider, 'no webhook secret is configured (create a secret of type webhook named "webhook")');

  let matched: string[] = [];
  if (spec.signature.type === "token") {
    matched = matchToken(sigHeader, secrets);
    if (matched.length === 0) return unauthorized(provider);
  }
  const body = await readCappedBody(req, getEnv().SYNCLINE_WEBHOOK_MAX_BYTES);
  if (!body.ok)
    return answer(provider, "too-large", 413, { code: "PAYLOAD_TOO_LARGE", message: `webhook body over ${getEnv().SYNCLINE_WEBHOOK_MAX_BYTES} bytes` });
  if (spec.signature.type === "hmac") {
    matched = matchHmac(sigHeader, spec.signature.prefix, body.bytes, secrets);
    if (matched.length === 0) return unauthorized(provider);
  }

  // Verified: now the body may be read.
  let payload: unknown;
  try {
    payload = decode(body.bytes, req.headers.get("content-type"));
  } catch {
    return answer(provider, "malformed", 400, { code: "BAD_REQUEST", message: "webhook body is not valid JSON" });
  }
  const eventName = spec.eventHeader ? req.headers.get(spec.eventHeader) : null;
  const event = parseEvent(provider, eventName, payload);
  const headerId = spec.deliveryHeader ? req.headers.get(spec.deliveryHeader)?.trim() : undefined;
  const deliveryId = headerId && headerId.length <= 200 ? headerId : `sha256:${crypto.createHash("sha256").update(body.bytes).digest("hex")}`;

  if (event.kind === "ping") return answer(provider, "ping", 200, { message: "pong" });
  if (event.kind === "ignored") {
    await recordDelivery({ provider, deliveryId, repoURL: null, branch: null, result: "ignored", definitions: [] });
    return answer(provider, "ignored", 202, { message: event.why });
  }

  const wanted = new Set(event.push.repoURLs.map(normalizeRepoUrl).filter((u): u is string => u !== null));
  const verifiedWith = new Set(matched);
  const targets = (await getGitopsSources()).filter((row) => {
    const gitops = row.gitops;
    const key = normalizeRepoUrl(gitops.repoURL);
    return key !== null && wanted.has(key) && gitops.branch === event.push.branch && verifiedWith.has(webhookSecretNameOf(row));
  });
  const result = targets.length === 0 ? "unknown-repo" : "accepted";
  const fresh = await recordDelivery({
    provider,
    deliveryId,
    repoURL: event.push.repoURLs[0]!.slice(0, 500),
    branch: event.push.branch.slice(0, 250),
    result,
    definitions: targets.map((t) => t.name),
  });
  if (!fresh) return answer(provider, "duplicate", 200, { message: `delivery ${deliveryId} was already received` });
  if (targets.length === 0) return answer(provider, "unknown-repo", 202, { message: "no definition watches this repository and branch", definitions: [] });

  const ids = targets.map((t) => t.id);
  // the push moved the branch: the one head check the matched definitions share asks the remote again
  forgetBranchHeads(targets.map((t) => t.gitops));
  if (!requestRefresh(ids, "webhook")) {
    // scheduler off in this process: do the refresh directly, in the background
    for (const id of ids) void reconcileNow(id).catch((err) => logger.error({ err: (err as Error).message }, "webhook refresh failed"));
  }
  return answer(provider, "accepted", 202, { definitions: targets.map((t) => t.name) });
}
