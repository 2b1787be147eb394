/**
 * A RegExp engine for ajv backed by re2js (linear-time matching). Schemas come
 * from users, and a JSON Schema `pattern` such as "^(a+)+$" would make V8's
 * backtracking engine run for minutes on a crafted value. RE2 has no
 * backtracking; patterns it cannot express (look-ahead, back-references) fail at
 * schema compile time instead.
 */
import { RE2JS } from "re2js";

export interface RegExpLike {
  test: (s: string) => boolean;
}

function re2RegExp(pattern: string, flags: string): RegExpLike {
  let re2Flags = 0;
  if (flags.includes("i")) re2Flags |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes("m")) re2Flags |= RE2JS.MULTILINE;
  if (flags.includes("s")) re2Flags |= RE2JS.DOTALL;
  const compiled = RE2JS.compile(RE2JS.translateRegExp(pattern), re2Flags);
  return { test: (s: string) => compiled.test(s) };
}

/** The shape ajv expects for `code.regExp`: a factory plus the code name used in standalone output. */
export const re2Engine = Object.assign(re2RegExp, { code: "re2js" });
