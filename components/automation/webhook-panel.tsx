"use client";
/** The webhook URL per Git host and the named secret that signs deliveries (never its value). */
import { useState } from "react";
import type { WebhookPanelInfo } from "@/lib/api/views";

const labels: Record<string, string> = { github: "GitHub", gitlab: "GitLab", gitea: "Gitea / Forgejo", generic: "Generic (HMAC-SHA256)" };

export function WebhookPanel({ info }: { info: WebhookPanelInfo }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async (k: string, v: string) => {
    await navigator.clipboard?.writeText(v).catch(() => undefined);
    setCopied(k);
    setTimeout(() => setCopied(null), 1500);
  };
  return (
    <section
      aria-labelledby="webhook-heading"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="webhook-heading" className="font-semibold">
        Webhook
      </h2>
      <p className="text-slate-600 dark:text-slate-400">
        Point a push webhook at one of these URLs to refresh{info.branch ? ` on pushes to ${info.branch}` : ""} at once instead of waiting for the interval.
        Content type JSON.
      </p>
      <table className="w-full text-left">
        <tbody>
          {Object.entries(info.urls).map(([provider, url]) => (
            <tr key={provider} className="border-t border-slate-100 dark:border-slate-800">
              <th scope="row" className="py-1.5 pr-3 font-medium whitespace-nowrap">
                {labels[provider] ?? provider}
              </th>
              <td className="py-1.5 pr-3">
                <code className="break-all">{url}</code>
                <div className="text-xs text-slate-500">
                  signed in <code>{info.signatureHeaders[provider]}</code>
                </div>
              </td>
              <td className="py-1.5 text-right">
                <button type="button" onClick={() => copy(provider, url)} className="rounded border border-slate-300 px-2 py-0.5 text-xs dark:border-slate-700">
                  {copied === provider ? "Copied" : "Copy"}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="webhook-secret">
        Secret: named secret <code>{info.secretName}</code>
        {info.usesGlobalSecret ? " (the global webhook secret; set gitops.webhookSecretName for one of its own)" : ""}
        {info.secretConfigured ? (
          <span className="ml-2 rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200">configured</span>
        ) : (
          <span className="ml-2 rounded bg-red-100 px-1.5 py-0.5 text-xs text-red-800 dark:bg-red-900 dark:text-red-200">
            missing: create a secret of type webhook named {info.secretName}
          </span>
        )}
      </p>
    </section>
  );
}
