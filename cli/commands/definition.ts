/**
 * `syncline resource definition add|ls|get|delete`: ResourceDefinitions as in the seed
 * (`colonies resource definition add --spec FILE`). The file is sent as written; the server
 * validates it and names every bad field.
 */
import { Command } from "commander";
import type { DefinitionView } from "../api-types";
import { contextFor, enc } from "../context";
import { outputOption, printData, printTable } from "../output";
import { readDocuments } from "../read-documents";
import { shortSha } from "../text-format";

export function definitionCommand(): Command {
  const cmd = new Command("definition")
    .alias("definitions")
    .alias("def")
    .description("manage ResourceDefinitions (kinds and where their resources live in Git)");

  cmd
    .command("add")
    .description("add a ResourceDefinition from a JSON or YAML file")
    .requiredOption("--spec <file>", 'definition file (JSON or YAML; "-" for stdin); several YAML documents add several definitions')
    .addOption(outputOption())
    .addHelpText(
      "after",
      `
Examples:
  $ syncline resource definition add --spec examples/deployments.example.io.json
  $ syncline resource definition add --spec deployments.yaml -o json`,
    )
    .action(async (opts: { spec: string }, c: Command) => {
      const { api, out, format } = contextFor(c);
      const added: DefinitionView[] = [];
      for (const doc of readDocuments(opts.spec)) {
        const view = await api.post<DefinitionView>("/api/v1/definitions", doc.value);
        added.push(view);
        if (format === "text") out.line(`definition ${view.metadata.name} added (kind ${view.spec.names.kind})`);
      }
      if (format !== "text") printData(out, format, added.length === 1 ? added[0] : added);
    });

  cmd
    .command("ls")
    .alias("list")
    .description("list ResourceDefinitions")
    .addOption(outputOption())
    .addHelpText("after", "\nExamples:\n  $ syncline resource definition ls\n  $ syncline resource definition ls -o json | jq -r '.[].metadata.name'")
    .action(async (_opts: unknown, c: Command) => {
      const { api, out, format } = contextFor(c);
      const { items } = await api.get<{ items: DefinitionView[] }>("/api/v1/definitions");
      if (format !== "text") return printData(out, format, items);
      if (items.length === 0) return out.line("No definitions. Add one with: syncline resource definition add --spec FILE");
      printTable(
        out,
        ["NAME", "KIND", "STATUS", "LAST SYNC", "APPLIED", "HEAD", "AUTO-SYNC", "PINNED", "SUSPENDED", "REPO", "BRANCH", "PATH"],
        items.map((d) => [
          d.metadata.name,
          d.spec.names.kind,
          definitionStatusText(d),
          d.status.lastSyncTime?.replace(/\.\d+Z$/, "Z") ?? "never",
          shortSha(d.status.syncedCommit) || "-",
          shortSha(d.status.headCommit) || "-",
          d.spec.syncPolicy?.automated ? "yes" : "no",
          shortSha(d.status.pinnedRevision) || "-",
          d.status.suspendedReason ? "yes" : "no",
          d.spec.gitops?.repoURL ?? "-",
          d.spec.gitops?.branch ?? "-",
          d.spec.gitops?.path ?? "-",
        ]),
      );
    });

  cmd
    .command("get")
    .description("show one ResourceDefinition (YAML unless -o json)")
    .argument("<name>", "definition name, e.g. deployments.example.io")
    .addOption(outputOption())
    .addHelpText(
      "after",
      "\nExamples:\n  $ syncline resource definition get deployments.example.io\n  $ syncline resource definition get deployments.example.io -o json",
    )
    .action(async (name: string, _opts: unknown, c: Command) => {
      const { api, out, format } = contextFor(c);
      const view = await api.get<DefinitionView>(`/api/v1/definitions/${enc(name)}`);
      printData(out, format === "text" ? "yaml" : format, view);
    });

  cmd
    .command("delete")
    .alias("rm")
    .description("delete a ResourceDefinition")
    .argument("<name>", "definition name")
    .addHelpText("after", "\nExamples:\n  $ syncline resource definition delete deployments.example.io")
    .action(async (name: string, _opts: unknown, c: Command) => {
      const { api, out } = contextFor(c);
      await api.delete(`/api/v1/definitions/${enc(name)}`);
      out.line(`definition ${name} deleted`);
    });

  return cmd;
}

/** "OutOfSync (2 behind)", "Synced", "Git error: authentication failed" — what the overview card says (issue 21). */
export function definitionStatusText(d: DefinitionView): string {
  const git = d.status.git;
  if (git?.error) return `Git error: ${git.error.causeText}`;
  const status = d.status.syncStatus ?? "Unknown";
  if (git?.pinned && git.headMoved) return `${status} (pinned; ${git.branch} ${git.behind !== null ? `${git.behind} ahead` : "moved"})`;
  if (git?.headMoved) return `${status} (${git.behind !== null ? `${git.behind} behind` : "behind"})`;
  return status;
}
