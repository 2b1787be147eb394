/**
 * Cooperative time slicing for long synchronous loops. A sync's stages (parsing thousands of
 * files, rendering change records) are synchronous JavaScript; awaiting only settled promises
 * never lets the event loop run, so the server would answer nothing until the stage ends
 * (issue 19 H2). These helpers give the loop a turn whenever a slice of work has run.
 */

/** Lets timers and I/O callbacks run before continuing. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** `items.map(fn)`, giving the event loop a turn after every `sliceMs` of work. */
export async function mapInSlices<T, R>(items: readonly T[], fn: (item: T, index: number) => R, sliceMs = 10): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let sliceStart = performance.now();
  for (let i = 0; i < items.length; i++) {
    out[i] = fn(items[i] as T, i);
    if (performance.now() - sliceStart > sliceMs) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
  return out;
}
