/**
 * JSON Schema `format` checks that run in linear time. ajv-formats' "full" formats are native
 * V8 regular expressions, and some backtrack badly on crafted input: `url` took 7.7 s on an
 * 80 KB value and grows with the square of the length. Every regular expression here runs on
 * RE2 (re2js, no backtracking); the three that use look-arounds RE2 cannot run (`duration`,
 * `hostname`, `url`) are the same expressions without them plus a plain check for what the
 * look-around said. Date and time formats keep ajv-formats' functions (anchored expressions
 * without nested repetition: linear), and so do the numeric ones.
 */
import { fullFormats } from "ajv-formats/dist/formats";
import type { FormatDefinition } from "ajv";
import { RE2JS } from "re2js";

type StringCheck = (s: string) => boolean;

function re2(pattern: string, flags = ""): RE2JS {
  let f = 0;
  if (flags.includes("i")) f |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes("m")) f |= RE2JS.MULTILINE;
  return RE2JS.compile(RE2JS.translateRegExp(pattern), f);
}

/** Compiled on first use: compiling all of ajv-formats' expressions took ~20 ms, and a schema uses few of them. */
function re2Test(re: RegExp): StringCheck {
  let compiled: RE2JS | undefined;
  return (s) => (compiled ??= re2(re.source, re.flags)).test(s);
}

// ajv-formats 3.0.1 `duration` without `(?!$)` (something follows "P") and `(?=\d)` (a digit follows "T")
const DURATION = re2("^P((\\d+Y)?(\\d+M)?(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+S)?)?|(\\d+W)?)$");
const duration: StringCheck = (s) => s.length > 1 && DURATION.test(s) && !/T(?!\d)/.test(s);

// ajv-formats 3.0.1 `hostname` without `(?=.{1,253}\.?$)`, which the length check replaces
const HOSTNAME = re2("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\\.?$", "i");
const hostname: StringCheck = (s) => {
  const bare = s.endsWith(".") ? s.slice(0, -1) : s;
  return bare.length >= 1 && bare.length <= 253 && !bare.includes("\n") && HOSTNAME.test(s);
};

/**
 * ajv-formats 3.0.1 `url` (dperini's expression) with the dotted-quad host captured instead of
 * guarded by look-aheads; the private ranges the look-aheads refused are checked on the
 * captured host (at most 15 characters).
 */
const URL_RE = re2(
  "^(?:https?|ftp)://(?:\\S+(?::\\S*)?@)?(?:" +
    "((?:[1-9]\\d?|1\\d\\d|2[01]\\d|22[0-3])(?:\\.(?:1?\\d{1,2}|2[0-4]\\d|25[0-5])){2}(?:\\.(?:[1-9]\\d?|1\\d\\d|2[0-4]\\d|25[0-4])))" +
    "|(?:(?:[a-z0-9\\x{00a1}-\\x{ffff}]+-)*[a-z0-9\\x{00a1}-\\x{ffff}]+)(?:\\.(?:[a-z0-9\\x{00a1}-\\x{ffff}]+-)*[a-z0-9\\x{00a1}-\\x{ffff}]+)*(?:\\.(?:[a-z\\x{00a1}-\\x{ffff}]{2,})))" +
    "(?::\\d{2,5})?(?:/[^\\s]*)?$",
  "i",
);
const PRIVATE_V4 = /^(?:(?:10|127)(?:\.\d{1,3}){3}|(?:169\.254|192\.168)(?:\.\d{1,3}){2}|172\.(?:1[6-9]|2\d|3[0-1])(?:\.\d{1,3}){2})$/;
const url: StringCheck = (s) => {
  const m = URL_RE.matcher(s);
  if (!m.matches()) return false;
  const v4 = m.group(1);
  return v4 === null || !PRIVATE_V4.test(v4);
};

// ajv-formats 3.0.1 `uri` (not exported there): a scheme, then RFC 3986 (jmrware's expression)
const URI = re2(
  "^(?:[a-z][a-z0-9+\\-.]*:)(?:\\/?\\/(?:(?:[a-z0-9\\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?)\\.){3}(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\\.[a-z0-9\\-._~!$&'()*+,;=:]+)\\]|(?:(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?)\\.){3}(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?)|(?:[a-z0-9\\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\\d*)?(?:\\/(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\\/(?:(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\\/(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\\/(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\\?(?:[a-z0-9\\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$",
  "i",
);
const uri: StringCheck = (s) => (s.includes("/") || s.includes(":")) && URI.test(s);

// ajv-formats 3.0.1 `byte` (multi-line, as there)
const BYTE = re2("^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$", "m");
const byte: StringCheck = (s) => BYTE.test(s);

const replaced: Record<string, StringCheck> = { duration, hostname, url, uri, byte };

type FormatTable = Record<string, FormatDefinition<string> | FormatDefinition<number> | true>;
let table: FormatTable | undefined;

/**
 * Every format ajv-formats' full set knows, each safe to run on hostile strings. One table per
 * process (its checks are pure): building it for every schema compile held the event loop.
 */
export function safeFormats(): FormatTable {
  return (table ??= buildFormats());
}

function buildFormats(): FormatTable {
  const out: FormatTable = {};
  for (const [name, def] of Object.entries(fullFormats)) {
    const own = replaced[name];
    if (own) out[name] = { type: "string", validate: own };
    else if (def instanceof RegExp) out[name] = { type: "string", validate: re2Test(def) };
    else if (typeof def === "function")
      out[name] = { type: "string", validate: def as StringCheck }; // `regex`: only compiles, never runs
    else if (def === true) out[name] = true;
    else out[name] = def as FormatDefinition<string> | FormatDefinition<number>; // dates, times (linear functions), numbers
  }
  return out;
}
