/**
 * What every command handler needs, built from the global flags: the API client for the
 * chosen server and token, stdout, and the colour palette. Handlers get it from one call
 * instead of each re-reading flags and environment.
 */
import type { Command } from "commander";
import { palette, colourEnabled, type Palette } from "./colour";
import { resolveConnection } from "./config";
import { ApiClient } from "./http-client";
import { asFormat, stdout, type Format, type Out } from "./output";

export interface CommandContext {
  api: ApiClient;
  out: Out;
  colour: Palette;
  format: Format;
}

export function contextFor(cmd: Command): CommandContext {
  const opts = cmd.optsWithGlobals<{ server?: string; token?: string; output?: string }>();
  return {
    api: new ApiClient(resolveConnection({ server: opts.server, token: opts.token })),
    out: stdout,
    colour: palette(colourEnabled(stdout.isTTY)),
    format: asFormat(opts.output),
  };
}

/** Path segment for a namespace: "_" stands for Cluster-scoped (no namespace) in the API. */
export function namespaceSegment(ns: string | undefined): string {
  return encodeURIComponent(ns && ns !== "" ? ns : "_");
}

export const enc = encodeURIComponent;
