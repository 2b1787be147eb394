// `npm run bench`: the benchmark runs under Vitest only for its module setup (path aliases and
// the server-only stub); it is a script that prints figures, not a test with time assertions.
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import base from "./vitest.config";

/** the main benchmark (sync.bench-run.ts) runs last, so its JSON line with every key is the output's last */
class MainBenchLast extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const last = (f: TestSpecification) => (f.moduleId.endsWith("/sync.bench-run.ts") ? 1 : 0);
    return [...files].sort((a, b) => last(a) - last(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ["bench/**/*.bench-run.ts"],
    testTimeout: 30 * 60_000,
    hookTimeout: 10 * 60_000,
    pool: "forks",
    fileParallelism: false,
    sequence: { sequencer: MainBenchLast },
  },
});
