/**
 * Validates a batch of specs against a definition's schema without freezing the server.
 * Every keyword the engine runs is linear in the value (lib/engine/validate.ts), but a batch is
 * hostile input of up to the parse and body limits, and a schema can still multiply work
 * (nested `anyOf` through `$ref`), so a batch that is not trivially small is validated in a
 * worker thread under a time budget: a spec that runs past `perSpecMs` is refused with that
 * reason (the thread is ended and a fresh one takes the rest), and once the batch runs past
 * `totalMs` the specs not reached are refused too. The event loop meanwhile keeps answering.
 *
 * Plain `worker_threads`, not a pool library (piscina, tinypool): we need exactly one thread,
 * one batch at a time, and a hard stop that names the spec at fault; the shared progress
 * counter gives the last, which a pool's abort (kill the thread, reject the task) does not.
 */
import "server-only";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { compileSpecValidator, type SpecError } from "@/lib/engine/validate";
import type { SpecBatchReply, SpecBatchRequest } from "./spec-worker";

export interface ValidationBudget {
  /** a single spec running longer is refused (default 2 s) */
  perSpecMs?: number;
  /** specs not reached when the batch has run this long are refused (default 30 s) */
  totalMs?: number;
}

/**
 * Batches smaller than this (characters of strings and keys plus one per value) are validated
 * in-thread: with linear keywords they cost well under a millisecond per KiB, less than
 * handing them to the thread. Measured: see validate-specs.test.ts and the report of issue 19.
 */
export const IN_THREAD_MAX_UNITS = 64 * 1024;

const DEFAULT_PER_SPEC_MS = 2_000;
const DEFAULT_TOTAL_MS = 30_000;
const WATCH_INTERVAL_MS = 20;
/** specs per message to the thread */
const CHUNK_SPECS = 500;

/** Errors per spec, in the order given. */
export async function validateSpecs(schema: Record<string, unknown> | undefined, specs: unknown[], budget: ValidationBudget = {}): Promise<SpecError[][]> {
  if (specs.length === 0) return [];
  if (schema === undefined || fitsInThread(specs, IN_THREAD_MAX_UNITS)) {
    const compiled = compileSpecValidator(schema);
    if (!compiled.ok) throw new Error(compiled.errors.join("; "));
    return specs.map((s) => compiled.validate(s));
  }
  return enqueue(() => validateOffThread(schema, specs, budget));
}

/** Starts the thread ahead of the first large batch (it takes a few hundred ms to load the engine). */
export function warmSpecValidation(): void {
  getWorker();
}

/** true when the specs together are under `limit` units; stops counting at the limit. */
export function fitsInThread(specs: unknown[], limit: number): boolean {
  let units = 0;
  const stack: unknown[] = [...specs];
  while (stack.length > 0) {
    const v = stack.pop();
    units++;
    if (typeof v === "string") units += v.length;
    else if (Array.isArray(v)) for (const item of v) stack.push(item);
    else if (v !== null && typeof v === "object") {
      for (const [k, item] of Object.entries(v)) {
        units += k.length;
        stack.push(item);
      }
    }
    if (units > limit) return false;
  }
  return true;
}

// ---- the worker thread ----------------------------------------------------------------------

let worker: Worker | undefined;
let nextId = 1;
let queue: Promise<unknown> = Promise.resolve();

function enqueue<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(/* turbopackIgnore: true */ workerEntry(), { resourceLimits: { maxOldGenerationSizeMb: 512 }, stdout: false, stderr: false });
  w.unref();
  w.on("error", () => undefined); // reported to the batch through "exit"
  w.on("exit", () => {
    if (worker === w) worker = undefined;
  });
  worker = w;
  return w;
}

/**
 * The worker's entry file, resolved at run time from the project root and joined so the bundler
 * cannot follow it: the worker is not part of the server bundle; it loads the engine's
 * TypeScript through tsx (spec-worker-entry.mjs), and traced, the bundle tried to include tsx.
 */
function workerEntry(): string {
  const parts = [process.cwd(), "lib", "server", "validation", "spec-worker-entry.mjs"];
  return parts.join(path.sep);
}

function tooSlow(ms: number): SpecError[] {
  return [{ pointer: "/spec", message: `validation took longer than ${ms} ms (the time budget per resource); refused` }];
}

function notReached(ms: number): SpecError[] {
  return [{ pointer: "/spec", message: `not validated: the batch ran past its ${ms} ms time budget; refused` }];
}

async function validateOffThread(schema: Record<string, unknown>, specs: unknown[], budget: ValidationBudget): Promise<SpecError[][]> {
  const perSpecMs = budget.perSpecMs ?? DEFAULT_PER_SPEC_MS;
  const totalMs = budget.totalMs ?? DEFAULT_TOTAL_MS;
  const started = Date.now();
  const results: SpecError[][] = new Array<SpecError[]>(specs.length);
  let from = 0;
  while (from < specs.length) {
    if (Date.now() - started > totalMs) {
      for (let i = from; i < specs.length; i++) results[i] = notReached(totalMs);
      break;
    }
    // in chunks: the thread then holds one chunk's copy of the specs at a time, not the batch's
    // (10,000 specs sent at once raised a sync's peak RSS by ~60 MiB)
    const rest = specs.slice(from, from + CHUNK_SPECS);
    const outcome = await runOnce(schema, rest, perSpecMs, totalMs - (Date.now() - started));
    if (outcome.kind === "done") {
      outcome.results.forEach((r, i) => (results[from + i] = r));
      from += rest.length;
      continue;
    }
    if (outcome.kind === "compile-error") throw new Error(outcome.error);
    // the thread was ended at spec `outcome.at` (of `rest`); those before it were validated but
    // their results died with the thread: run them again, they are known to be quick
    const at = from + outcome.at;
    if (outcome.kind === "too-slow") results[at] = tooSlow(perSpecMs);
    else results[at] = [{ pointer: "/spec", message: `validation failed: ${outcome.error}; refused` }];
    const before = specs.slice(from, at);
    if (before.length > 0) {
      const again = await runOnce(schema, before, perSpecMs, Math.max(totalMs - (Date.now() - started), perSpecMs));
      if (again.kind === "done") again.results.forEach((r, i) => (results[from + i] = r));
      else for (let i = from; i < at; i++) results[i] = notReached(totalMs);
    }
    from = at + 1;
  }
  return results;
}

type RunOutcome =
  | { kind: "done"; results: SpecError[][] }
  | { kind: "too-slow"; at: number }
  | { kind: "crashed"; at: number; error: string }
  | { kind: "compile-error"; error: string };

function runOnce(schema: Record<string, unknown>, specs: unknown[], perSpecMs: number, remainingMs: number): Promise<RunOutcome> {
  const w = getWorker();
  w.ref(); // keep the process alive while a batch is out
  const progressBuffer = new SharedArrayBuffer(4);
  const progress = new Int32Array(progressBuffer);
  Atomics.store(progress, 0, -1);
  const id = nextId++;
  return new Promise<RunOutcome>((resolve) => {
    let lastIndex = -1;
    let lastChange = Date.now();
    const deadline = Date.now() + Math.max(remainingMs, 0);
    const finish = (o: RunOutcome) => {
      clearInterval(watch);
      w.off("message", onMessage);
      w.off("exit", onExit);
      w.unref();
      resolve(o);
    };
    const onMessage = (reply: SpecBatchReply) => {
      if (reply.id !== id) return;
      finish(reply.ok ? { kind: "done", results: reply.results } : { kind: "compile-error", error: reply.error });
    };
    const onExit = (code: number) => {
      finish({ kind: "crashed", at: Math.max(Atomics.load(progress, 0), 0), error: `the validation thread stopped (exit code ${code}, out of memory?)` });
    };
    const watch = setInterval(() => {
      const index = Atomics.load(progress, 0);
      const now = Date.now();
      if (index !== lastIndex) {
        lastIndex = index;
        lastChange = now;
      }
      // index -1: the thread is still loading the engine, which is not the spec's fault
      if (index >= 0 && (now - lastChange > perSpecMs || now > deadline)) {
        w.off("exit", onExit);
        if (worker === w) worker = undefined;
        void w.terminate();
        finish({ kind: "too-slow", at: index });
      }
    }, WATCH_INTERVAL_MS);
    w.on("message", onMessage);
    w.on("exit", onExit);
    w.postMessage({ id, schema, specs, progress: progressBuffer } satisfies SpecBatchRequest);
  });
}
