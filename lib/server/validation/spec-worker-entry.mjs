/**
 * Entry of the spec-validation worker thread (spec-validation-pool.ts). The engine is
 * TypeScript and the server bundle is not loadable from a plain worker, so this registers
 * tsx's loader (a runtime dependency, as for bin/syncline.js) and imports the worker body.
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

const here = path.dirname(fileURLToPath(import.meta.url));
register({ tsconfig: path.resolve(here, "..", "..", "..", "tsconfig.json") });
await import(pathToFileURL(path.join(here, "spec-worker.ts")).href);
