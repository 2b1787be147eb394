/** Builds the CLI into cli/dist (scripts/build-cli.mjs). */
export function buildCli(): Promise<void>;
