/**
 * "line:column" of the first JSON syntax error. JSON.parse's message does not always say where
 * (V8: `Unexpected token '}', ..."b": }" is not valid JSON`), so a small scanner finds the place.
 */
export interface JsonErrorAt {
  line: number;
  column: number;
  message: string;
}

class At extends Error {
  constructor(
    readonly pos: number,
    message: string,
  ) {
    super(message);
  }
}

/** Offset and message of the first syntax error, or null when the text is JSON. */
function scan(s: string): At | null {
  let i = 0;
  const ws = () => {
    while (i < s.length && " \t\n\r".includes(s[i]!)) i++;
  };
  const what = () => (i >= s.length ? "end of text" : `'${s[i]}'`);
  const fail = (expected: string): never => {
    throw new At(i, `expected ${expected}, found ${what()}`);
  };
  const str = () => {
    if (s[i] !== '"') fail("a string");
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s[i] === "\\") {
        i++;
        if (s[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) fail("4 hex digits after \\u");
          i += 4;
        } else if (!'"\\/bfnrt'.includes(s[i] ?? "")) fail("an escape character");
      } else if (s.charCodeAt(i) < 0x20) fail("no control character in a string");
      i++;
    }
    if (i >= s.length) fail("'\"' to close the string");
    i++;
  };
  const value = (): void => {
    ws();
    const c = s[i];
    if (c === "{") {
      i++;
      ws();
      if (s[i] === "}") return void i++;
      for (;;) {
        ws();
        str();
        ws();
        if (s[i] !== ":") fail("':'");
        i++;
        value();
        ws();
        if (s[i] === ",") {
          i++;
          continue;
        }
        if (s[i] === "}") return void i++;
        fail("',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (s[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (s[i] === ",") {
          i++;
          continue;
        }
        if (s[i] === "]") return void i++;
        fail("',' or ']'");
      }
    }
    if (c === '"') return str();
    const lit = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(s.slice(i, i + 400));
    if (!lit) fail("a value");
    i += lit![0].length;
  };
  try {
    value();
    ws();
    if (i < s.length) fail("end of text");
    return null;
  } catch (err) {
    if (err instanceof At) return err;
    throw err;
  }
}

export function jsonError(text: string): JsonErrorAt | null {
  try {
    JSON.parse(text);
    return null;
  } catch (err) {
    const at = scan(text);
    const pos = at?.pos ?? text.length;
    const before = text.slice(0, pos).split("\n");
    return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1, message: at?.message ?? (err as Error).message };
  }
}
