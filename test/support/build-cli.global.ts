/** Vitest global setup: builds the CLI (scripts/build-cli.mjs) so bin/syncline.js runs the current sources. */
import { buildCli } from "../../scripts/build-cli.mjs";

export default async function setup(): Promise<void> {
  await buildCli();
}
