/**
 * `syncline resource ls|get|apply|delete`: resources in the seed's shape
 * `{kind, metadata, spec, status: {gitSync}}`. `ls` shows where each one stands against Git;
 * `apply` creates or replaces, so the same file can be applied again.
 */
import { Command } from "commander";
import type { Page, ResourceView } from "../api-types";
import { contextFor, enc, namespaceSegment } from "../context";
import { ApiError, CliError } from "../cli-error";
import { outputOption, printData, printTable } from "../output";
import { age, oneLine, resourceLabel, shortSha } from "../text-format";
import type { ApiClient } from "../http-client";
import { healthOf, resourceWaitCommand } from "./resource-wait";
import { gateNotes } from "../gate-notes";

export function resourceCrudCommands(): Command[] {
  return [lsCommand(), getCommand(), applyCommand(), deleteCommand(), resourceWaitCommand()];
}

/** The stored status when the server sends one; otherwise what gitSync and drift imply. */
export function syncState(r: ResourceView): string {
  if (r.status.syncStatus) return r.status.syncStatus;
  if (r.status.gitSync.syncError) return "Error";
  if (!r.status.managedBy) return "Unmanaged";
  if (r.status.drifted) return "OutOfSync";
  return r.status.gitSync.lastSyncTime ? "Synced" : "Unknown";
}

function lsCommand(): Command {
  return new Command("ls")
    .alias("list")
    .description("list resources with their Git sync status")
    .option("--kind <kind>", "kind to list, e.g. Deployment (default: all kinds)")
    .option("-n, --namespace <ns>", 'only this namespace ("_" for Cluster-scoped)')
    .option("-l, --selector <selector>", "label selector, e.g. app=web,tier!=db")
    .option("--health <health>", "only these health values, e.g. Degraded or Degraded,Unknown (None: not assessed)")
    .addOption(outputOption())
    .addHelpText(
      "after",
      `
Examples:
  $ syncline resource ls --kind Deployment
  $ syncline resource ls --kind Deployment -n production -l app=web
  $ syncline resource ls --kind Deployment -o json | jq '.[].status.gitSync'`,
    )
    .action(async (opts: { kind?: string; namespace?: string; selector?: string; health?: string }, c: Command) => {
      const { api, out, format } = contextFor(c);
      const items = await listAll(api, { kind: opts.kind, namespace: opts.namespace, labelSelector: opts.selector, health: opts.health });
      if (format !== "text") return printData(out, format, items);
      if (items.length === 0) return out.line(`No resources found${opts.kind ? ` of kind ${opts.kind}` : ""}.`);
      const withKind = !opts.kind;
      printTable(
        out,
        [...(withKind ? ["KIND"] : []), "NAMESPACE", "NAME", "SYNC", "HEALTH", "DRIFT", "LAST-SYNC", "LAST-COMMIT", "SYNC-ERROR"],
        items.map((r) => [
          ...(withKind ? [r.kind] : []),
          r.metadata.namespace ?? "-",
          r.metadata.name,
          syncState(r),
          healthOf(r),
          r.status.drifted ? "yes" : "no",
          age(r.status.gitSync.lastSyncTime) || "-",
          shortSha(r.status.gitSync.lastCommitSHA) || "-",
          oneLine(r.status.gitSync.syncError) || "-",
        ]),
      );
      for (const l of await gateNotes(api, opts.kind ? [opts.kind] : [...new Set(items.map((r) => r.kind))])) out.line(l);
    });
}

async function listAll(api: ApiClient, q: Record<string, string | undefined>): Promise<ResourceView[]> {
  const items: ResourceView[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<Page<ResourceView>>("/api/v1/resources", { ...q, cursor, limit: 500 });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

function getCommand(): Command {
  return new Command("get")
    .description("show one resource (YAML unless -o json); secret values are masks unless --reveal (executor tokens only)")
    .argument("<kind>", "kind, e.g. Deployment, or KIND/NAMESPACE/NAME (KIND/_/NAME when Cluster-scoped)")
    .argument("[name]", "resource name")
    .option("-n, --namespace <ns>", "namespace (omit for Cluster-scoped kinds)")
    .option("--reveal", "show the cleartext of secret paths (SOPS-decrypted and secretPaths values); needs an executor token, audited")
    .addOption(outputOption())
    .addHelpText(
      "after",
      "\nExamples:\n  $ syncline resource get Deployment my-app-deployment -n production\n  $ syncline resource get Deployment my-app-deployment -n production -o json\n  $ syncline resource get Database/shop/orders --reveal -o json",
    )
    .action(async (kindArg: string, nameArg: string | undefined, opts: { namespace?: string; reveal?: boolean }, c: Command) => {
      const { api, out, format } = contextFor(c);
      let kind = kindArg;
      let name = nameArg;
      if (name === undefined) {
        const parts = kindArg.split("/");
        if (parts.length !== 3 || parts.some((p) => p === "")) throw new CliError("give KIND NAME [-n NAMESPACE] or KIND/NAMESPACE/NAME");
        [kind, , name] = parts as [string, string, string];
        opts.namespace = parts[1] === "_" ? undefined : parts[1];
      }
      const query = opts.reveal ? { reveal: "true" } : undefined;
      const r = await withNamespaceHint(opts.namespace, () => api.get<ResourceView>(resourcePath(kind, opts.namespace, name!), query));
      printData(out, format === "text" ? "yaml" : format, r);
      // on stderr: stdout stays the document
      if (format === "text") for (const l of await gateNotes(api, [r.kind])) process.stderr.write(`${l}\n`);
    });
}

function applyCommand(): Command {
  return new Command("apply")
    .description("create or replace resources from a JSON or YAML file (one or many documents)")
    .requiredOption("-f, --filename <file>", 'file with one or more resources ("-" for stdin)')
    .addOption(outputOption())
    .addHelpText(
      "after",
      `
A resource that is managed from Git can be changed this way; it then shows as drifted
until the next sync puts Git's version back.

Examples:
  $ syncline resource apply -f my-app.json
  $ cat resources.yaml | syncline resource apply -f -`,
    )
    .action(async (opts: { filename: string }, c: Command) => {
      const { api, out, format } = contextFor(c);
      // the parser (yaml) is loaded only here: `ls` and `get` start without it
      const { readDocuments } = await import("../read-documents");
      const docs = readDocuments(opts.filename);
      for (const d of docs) {
        const m = (d.value as { kind?: unknown; metadata?: { name?: unknown } } | null) ?? {};
        if (typeof m.kind !== "string" || typeof m.metadata?.name !== "string") throw new CliError(`${d.where}: a resource needs kind and metadata.name`);
      }
      const results: ResourceView[] = [];
      for (const d of docs) {
        const { view, created } = await applyOne(api, d.value as ResourceView).catch((err: unknown) => {
          throw err instanceof CliError ? new CliError(`${d.where}: ${err.message}`, err.exitCode) : err;
        });
        results.push(view);
        if (format === "text")
          out.line(`${resourceLabel({ kind: view.kind, namespace: view.metadata.namespace, name: view.metadata.name })} ${created ? "created" : "updated"}`);
      }
      if (format !== "text") printData(out, format, results.length === 1 ? results[0] : results);
    });
}

async function applyOne(api: ApiClient, doc: ResourceView): Promise<{ view: ResourceView; created: boolean }> {
  // status is the server's to set; send what a person writes
  const { status: _status, ...body } = doc;
  try {
    return { view: await api.post<ResourceView>("/api/v1/resources", body), created: true };
  } catch (err) {
    if (!(err instanceof ApiError && err.code === "CONFLICT")) throw err;
  }
  const view = await api.put<ResourceView>(resourcePath(doc.kind, doc.metadata.namespace, doc.metadata.name), body);
  return { view, created: false };
}

function deleteCommand(): Command {
  return new Command("delete")
    .alias("rm")
    .description("delete one resource")
    .argument("<kind>", "kind, e.g. Deployment")
    .argument("<name>", "resource name")
    .option("-n, --namespace <ns>", "namespace (omit for Cluster-scoped kinds)")
    .addHelpText(
      "after",
      `
A resource still in Git comes back on the next sync; remove it from Git to delete it for good.

Examples:
  $ syncline resource delete Deployment my-app-deployment -n production`,
    )
    .action(async (kind: string, name: string, opts: { namespace?: string }, c: Command) => {
      const { api, out } = contextFor(c);
      await withNamespaceHint(opts.namespace, () => api.delete(resourcePath(kind, opts.namespace, name)));
      out.line(`${resourceLabel({ kind, namespace: opts.namespace, name })} deleted`);
    });
}

function resourcePath(kind: string, namespace: string | undefined, name: string): string {
  return `/api/v1/resources/${enc(kind)}/${namespaceSegment(namespace)}/${enc(name)}`;
}

/** A 404 without -n is most often a namespaced resource asked for without its namespace. */
async function withNamespaceHint<T>(namespace: string | undefined, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (!namespace && err instanceof ApiError && err.status === 404) throw new CliError(`${err.message} (namespaced kinds need -n NAMESPACE)`);
    throw err;
  }
}
