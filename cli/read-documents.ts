/**
 * Reads JSON or YAML documents from a file (or "-" for stdin) with the same parser the server
 * uses on Git (lib/engine/parse): multi-document YAML, `kind: List`, YAML 1.2 core schema,
 * and problems reported as file:line:column instead of a parser stack trace.
 */
import fs from "node:fs";
import path from "node:path";
import { isSourceFilePath, parseSourceFile, type ParsedDoc } from "@/lib/engine/parse";
import { CliError } from "./cli-error";

export interface ReadDoc extends ParsedDoc {
  /** "file.yaml:12" for messages */
  where: string;
}

export function readDocuments(file: string): ReadDoc[] {
  let content: Buffer;
  try {
    content = file === "-" ? fs.readFileSync(0) : fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (err as Error).message}`);
  }
  const shown = file === "-" ? "<stdin>" : file;
  // The parser picks JSON or YAML by extension; sniff the content for stdin and other names.
  const parsePath = isSourceFilePath(file) ? path.basename(file) : /^\s*[[{]/.test(content.toString("utf8", 0, 4096)) ? "input.json" : "input.yaml";
  const { docs, problems } = parseSourceFile({ path: parsePath, content });
  const first = problems[0];
  if (first) {
    const pos = first.line ? `:${first.line}${first.column ? `:${first.column}` : ""}` : "";
    throw new CliError(`${shown}${pos}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""}`);
  }
  const kept = docs.filter((d) => d.value !== null && d.value !== undefined);
  if (kept.length === 0) throw new CliError(`${shown}: no documents found`);
  return kept.map((d) => ({ ...d, where: `${shown}:${d.line}` }));
}
