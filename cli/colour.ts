/**
 * ANSI colour for terminals only: on when stdout is a TTY and NO_COLOR is unset
 * (https://no-color.org), forced on with FORCE_COLOR=1 (tests, `less -R`).
 */
export interface Palette {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

export function colourEnabled(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return isTTY;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const same = (s: string) => s;

export function palette(enabled: boolean): Palette {
  if (!enabled) return { red: same, green: same, yellow: same, cyan: same, bold: same, dim: same };
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}
