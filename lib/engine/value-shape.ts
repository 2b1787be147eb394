/**
 * Final guard on a parsed value before it leaves the parser. Aliases can make
 * a small YAML text expand into deep, huge or even circular values
 * (`a: &a [*a]` yields a cycle), and YAML tags can produce non-JSON objects.
 * This walk is iterative, so it cannot overflow the stack itself, and it stops
 * at the first violation.
 */

export const DEFAULT_MAX_NODES = 1_000_000;

/**
 * `budget.nodes` is shared by all documents of one file and decremented as
 * values are visited, so a file of many small alias expansions is bounded too.
 */
export function checkValueShape(value: unknown, maxDepth: number, budget: { nodes: number } = { nodes: DEFAULT_MAX_NODES }): string | undefined {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    const { v, depth } = item;
    if (--budget.nodes < 0) return `file expands to more than ${DEFAULT_MAX_NODES} values (aliases?); not parsed`;
    if (v === null || typeof v !== "object") {
      if (typeof v === "number" && !Number.isFinite(v)) return "non-finite number (.inf/.nan) is not supported";
      if (typeof v === "number" || typeof v === "string" || typeof v === "boolean" || v === null) continue;
      return `unsupported value of type ${typeof v}`;
    }
    if (depth + 1 > maxDepth) return `nested deeper than ${maxDepth} levels (maxDepth) or circular through aliases; not parsed`;
    if (Array.isArray(v)) {
      for (const child of v) stack.push({ v: child, depth: depth + 1 });
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      return "unsupported value (only maps, lists, strings, numbers, booleans and null are allowed)";
    }
    for (const key of Object.keys(v)) stack.push({ v: (v as Record<string, unknown>)[key], depth: depth + 1 });
  }
  return undefined;
}
