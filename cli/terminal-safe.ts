/**
 * Server-provided text (commit messages, names, labels, run logs, error messages) comes from
 * whoever can push to a repository or call the API, and printed raw it could drive the
 * terminal: move the cursor over earlier output, set the title, write the clipboard (OSC 52),
 * plant a hyperlink (OSC 8). Every string in every answer is cleaned once, where the HTTP client
 * parses it (http-client.ts), so no command can forget to: escape sequences (CSI, OSC, DCS,
 * SOS/PM/APC and the rest, 7- and 8-bit forms) go with their payloads, then every other C0/C1
 * control character and DEL except newline and tab. The CLI's own colours and progress redraws
 * are written after this and are untouched.
 *
 * Hand-written rather than strip-ansi: strip-ansi removes ANSI escape codes only, and the rule
 * here also needs the C0/C1 controls (carriage return, backspace, 8-bit CSI introducers) gone;
 * the expressions have no nested repetition, so they run in linear time.
 */

const SEQUENCES = new RegExp(
  [
    "(?:\\u001b\\]|\\u009d)[^\\u0007\\u001b\\u009c]*(?:\\u0007|\\u001b\\\\|\\u009c)?", // OSC … BEL/ST
    "(?:\\u001b[PX^_]|[\\u0090\\u0098\\u009e\\u009f])[^\\u001b\\u009c]*(?:\\u001b\\\\|\\u009c)?", // DCS, SOS, PM, APC … ST
    "(?:\\u001b\\[|\\u009b)[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]?", // CSI
    "\\u001b[\\u0020-\\u002f]*[\\u0030-\\u007e]?", // any other escape sequence
  ].join("|"),
  "g",
);
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function stripTerminalControls(s: string): string {
  return s.replace(SEQUENCES, "").replace(CONTROLS, "");
}

/** A copy of parsed JSON with every string (keys too) cleaned; the same value when nothing needed it. */
export function terminalSafe<T>(value: T): T {
  return clean(value) as T;
}

function clean(v: unknown): unknown {
  if (typeof v === "string") return stripTerminalControls(v);
  if (Array.isArray(v)) return v.map(clean);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) {
      Object.defineProperty(out, stripTerminalControls(k), { value: clean(item), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}
