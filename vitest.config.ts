import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// One temp folder per run, removed when the run ends: what the tests, the stand-ins and the
// processes they start (serverless, the registries, npm start) write under the temp folder goes
// there and not into the machine's, where ~100 folders and files a run used to stay. Children
// inherit it from this process; vitest's workers, killed rather than exited, too.
// The config is read more than once per run (once per project): one folder, made by the first.
if (!process.env.RENKU_NB_TEST_RUN_TMP) {
  const runTmp = mkdtempSync(join(tmpdir(), "nb-test-run-"));
  process.env.RENKU_NB_TEST_RUN_TMP = String(process.pid);
  process.env.TMPDIR = runTmp;
  process.once("exit", () => rmSync(runTmp, { recursive: true, force: true }));
}

// One file per core. Vitest's default (cores - 1) ran the suite one file at a time on a 2-core
// machine; more files than cores only make them contend for the CPU.
const WORKERS = Math.max(2, availableParallelism());

export default defineConfig({
  test: {
    reporters: ["default", "./test/summary-reporter.ts"],
    // Deadlines, not timing checks: they only decide when to give up on a test that never ends,
    // and are wide enough for a machine whose cores are all busy (scripts/burn.sh).
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    maxWorkers: WORKERS,
    // EMF lines would fill the output; the tests that read them capture them (test/helpers/emf.ts).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", NB_METRICS__ENABLED: "false" },
    projects: [
      {
        // `npm run test:unit`, the fast lane: the code's own logic, no stand-ins started.
        extends: true,
        // Pure logic: one module graph per worker instead of one per file (most of the lane's
        // time was importing the same modules again).
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], isolate: false },
      },
      {
        // Checks of the repository itself (bundles, serverless.yml, README, test rules).
        extends: true,
        test: { name: "repo", include: ["test/repo/**/*.test.ts"] },
      },
      {
        // Everything else runs against the stand-ins; the suite's registries start once here.
        extends: true,
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: ["test/unit/**", "test/repo/**", "test/bench/**", "node_modules/**"],
          globalSetup: ["test/global-setup.ts"],
        },
      },
    ],
  },
});
