/**
 * Body of the spec-validation worker thread: validates the specs it is sent against one
 * schema with the engine's in-thread validator. Before each spec it publishes that spec's
 * index in shared memory, so when the host ends this thread for running past its budget it
 * knows exactly which spec was to blame. Not a server module: no "server-only" (it runs in a
 * worker outside the Next.js bundle).
 */
import { parentPort } from "node:worker_threads";
import { compileSpecValidator, type SpecError } from "../../engine/validate";

export interface SpecBatchRequest {
  id: number;
  schema: Record<string, unknown> | undefined;
  specs: unknown[];
  /** Int32Array over a SharedArrayBuffer: [0] = index of the spec being validated */
  progress: SharedArrayBuffer;
}

export type SpecBatchReply = { id: number; ok: true; results: SpecError[][] } | { id: number; ok: false; error: string };

parentPort?.on("message", (req: SpecBatchRequest) => {
  const progress = new Int32Array(req.progress);
  const compiled = compileSpecValidator(req.schema);
  if (!compiled.ok) {
    parentPort?.postMessage({ id: req.id, ok: false, error: compiled.errors.join("; ") } satisfies SpecBatchReply);
    return;
  }
  const results: SpecError[][] = [];
  for (let i = 0; i < req.specs.length; i++) {
    Atomics.store(progress, 0, i);
    results.push(compiled.validate(req.specs[i]));
  }
  parentPort?.postMessage({ id: req.id, ok: true, results } satisfies SpecBatchReply);
});
