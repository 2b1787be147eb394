/**
 * What each Git host sends: where the signature is, which header names the event and the
 * delivery, and where a push names its repository and branch. Parsing runs only after the
 * signature was verified, and tolerates any JSON shape (unknown → ignored, never a crash).
 */
import { branchFromRef } from "@/lib/server/webhooks/repo-match";

export type Provider = "github" | "gitlab" | "gitea" | "generic";
export const providers: Provider[] = ["github", "gitlab", "gitea", "generic"];

export interface Push {
  repoURLs: string[];
  branch: string;
}

export type ParsedEvent = { kind: "push"; push: Push } | { kind: "ping" } | { kind: "ignored"; why: string };

export interface ProviderSpec {
  /** header with an HMAC-SHA256 hex digest (prefix stripped), or the GitLab token header */
  signature: { type: "hmac"; header: string; prefix: string } | { type: "token"; header: string };
  deliveryHeader: string | null;
  eventHeader: string | null;
}

export const providerSpecs: Record<Provider, ProviderSpec> = {
  github: { signature: { type: "hmac", header: "x-hub-signature-256", prefix: "sha256=" }, deliveryHeader: "x-github-delivery", eventHeader: "x-github-event" },
  gitea: { signature: { type: "hmac", header: "x-gitea-signature", prefix: "" }, deliveryHeader: "x-gitea-delivery", eventHeader: "x-gitea-event" },
  gitlab: { signature: { type: "token", header: "x-gitlab-token" }, deliveryHeader: "x-gitlab-event-uuid", eventHeader: "x-gitlab-event" },
  generic: { signature: { type: "hmac", header: "x-syncline-signature", prefix: "sha256=" }, deliveryHeader: "x-syncline-delivery", eventHeader: null },
};

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const strs = (...vs: unknown[]): string[] => vs.filter((v): v is string => typeof v === "string" && v.length > 0 && v.length <= 2048);

export function parseEvent(provider: Provider, event: string | null, body: unknown): ParsedEvent {
  const b = obj(body);
  switch (provider) {
    case "github":
    case "gitea": {
      if (event === "ping") return { kind: "ping" };
      if (event !== null && event !== "push") return { kind: "ignored", why: `event ${event}` };
      const r = obj(b.repository);
      return push(strs(r.clone_url, r.html_url, r.ssh_url, r.git_url, r.url), b.ref);
    }
    case "gitlab": {
      if (event !== null && event !== "Push Hook") return { kind: "ignored", why: `event ${event}` };
      const p = obj(b.project);
      const r = obj(b.repository);
      return push(strs(p.git_http_url, p.web_url, p.git_ssh_url, r.git_http_url, r.homepage, r.url, r.git_ssh_url), b.ref);
    }
    case "generic": {
      const repo = b.repoURL ?? b.repository;
      return push(strs(repo), b.branch ?? b.ref);
    }
  }
}

function push(repoURLs: string[], ref: unknown): ParsedEvent {
  if (repoURLs.length === 0) return { kind: "ignored", why: "no repository URL in the payload" };
  const branch = branchFromRef(ref);
  if (!branch) return { kind: "ignored", why: "not a branch push" };
  return { kind: "push", push: { repoURLs, branch } };
}
