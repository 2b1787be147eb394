// `npm run bench`: the benchmark runs under Vitest only for its module setup (path aliases and
// the server-only stub); it is a script that prints figures, not a test with time assertions.
import { defineConfig } from "vitest/config";
import base from "./vitest.config";

export default defineConfig({
  resolve: base.resolve,
  test: { include: ["bench/**/*.bench-run.ts"], testTimeout: 30 * 60_000, hookTimeout: 10 * 60_000, pool: "forks", fileParallelism: false },
});
