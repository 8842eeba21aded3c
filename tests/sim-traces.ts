/**
 * Where the simulator's trace tests find their traces: the full files in `../shared/traces`
 * beside the repository when it is there, else the slices committed in tests/fixtures/sim
 * (tests/fixtures/sim/README.md gives their source and licence). The root is found by walking
 * up to package.json, so this works from tests/ (tsx) and from dist/tests (compiled).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("no package.json above the tests");
    dir = up;
  }
  return dir;
}

export const root = repoRoot();
const shared = join(root, "..", "shared", "traces");
const fixtures = join(root, "tests", "fixtures", "sim");

/** True when the full shared traces are there. */
export const haveSharedTraces = existsSync(join(shared, "azure-llm-code-part1.csv"));

export const traces = {
  llmCode: haveSharedTraces ? join(shared, "azure-llm-code-part1.csv") : join(fixtures, "azure-llm-code-head.csv"),
  fnInvocations: haveSharedTraces ? join(shared, "azure-fn2019-invocations.csv") : join(fixtures, "azure-fn2019-invocations.csv"),
  fnDurations: haveSharedTraces ? join(shared, "azure-fn2019-durations.csv") : join(fixtures, "azure-fn2019-durations.csv"),
  /** Always the small slices (for tests that must stay fast whatever is present). */
  fnInvocationsSlice: join(fixtures, "azure-fn2019-invocations.csv"),
  fnDurationsSlice: join(fixtures, "azure-fn2019-durations.csv"),
  llmCodeSlice: join(fixtures, "azure-llm-code-head.csv"),
};
