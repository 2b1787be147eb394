/**
 * How read commands print: `-o json|yaml` for scripts (the API's data, untouched) or a
 * table / text for people. Writes go through one `Out` so tests and pipes see plain text.
 */
import { createRequire } from "node:module";
import { Option } from "commander";
import { CliError } from "./cli-error";

export type Format = "json" | "yaml" | "text";

/** `-o, --output` for every read command; "text" is the human default. */
export function outputOption(): Option {
  return new Option("-o, --output <format>", "output format").choices(["json", "yaml", "text"]).default("text");
}

export function asFormat(v: unknown): Format {
  if (v === undefined || v === "text") return "text";
  if (v === "json" || v === "yaml") return v;
  throw new CliError(`unknown output format "${String(v)}" (use json or yaml)`, 2);
}

export interface Out {
  line(text?: string): void;
  write(text: string): void;
  /** true when stdout is a terminal (progress redraws in place) */
  readonly isTTY: boolean;
}

export const stdout: Out = {
  line: (text = "") => void process.stdout.write(text + "\n"),
  write: (text) => void process.stdout.write(text),
  get isTTY() {
    return process.stdout.isTTY === true;
  },
};

export function printData(out: Out, format: Exclude<Format, "text">, data: unknown): void {
  if (format === "json") out.write(JSON.stringify(data, null, 2) + "\n");
  else out.write(yaml().stringify(data, { lineWidth: 0 }));
}

/** `yaml` is loaded the first time YAML is printed: a table or JSON never pays for it at start-up. */
function yaml(): typeof import("yaml") {
  return createRequire(import.meta.url)("yaml") as typeof import("yaml");
}

/** Left-aligned columns separated by three spaces, like kubectl. */
export function printTable(out: Out, headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("   ")
      .trimEnd();
  out.line(fmt(headers));
  for (const r of rows) out.line(fmt(r));
}
