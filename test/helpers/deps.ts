/**
 * Dependencies built from a test environment, with the logs captured in memory. The endpoints get
 * them through their own seam (main.with(deps)); invoke() uses the ones installed last.
 */
import { Writable } from "node:stream";
import { amaltheaSessions } from "../../lib/adapters/amalthea-sessions.js";
import { dataServices } from "../../lib/adapters/data-services.js";
import { buildCore, type CoreOptions, type Deps, wire } from "../../lib/adapters/deps.js";
import { gitlab } from "../../lib/adapters/gitlab.js";
import { k8s } from "../../lib/adapters/k8s.js";
import { launchCleanup } from "../../lib/adapters/launch-cleanup.js";
import { ledger } from "../../lib/adapters/ledger.js";
import { quotas } from "../../lib/adapters/quotas.js";
import { registry } from "../../lib/adapters/registry.js";
import { resources } from "../../lib/adapters/resources.js";
import { sessions } from "../../lib/adapters/sessions.js";
import { stopHandOff } from "../../lib/adapters/stop-hand-off.js";
import { loadConfig } from "../../lib/config/load.js";
import type { LambdaHandler } from "../../lib/http/handler.js";
import { createLogger } from "../../lib/obs/log.js";

export const BASE_ENV = {
  NB_STAGE: "local",
  NB_SESSIONS__INGRESS__HOST: "sessions.example.org",
  // Suites that read the custom resource itself run on one backend; the parameterised ones
  // (test/helpers/backends.ts) set it for each.
  NB_AMALTHEA__BACKEND: "jupyterserver",
  NB_LOG_LEVEL: "debug",
  // EMF lines would fill the test output; the tests that read them switch them on.
  NB_METRICS__ENABLED: "false",
  // Out of reach (10 min), however loaded the machine: the runner's deadline ends a request that
  // never ends. A test of a timeout sets a short one (withUpstreamTimeout) and makes the upstream
  // hang with a fault that never answers.
  NB_UPSTREAM_TIMEOUT_MS: "600000",
} as const;

export interface TestDeps {
  deps: Deps;
  /** Every log line written so far, raw. */
  logs: string[];
}

/** Every adapter there is, as a deployment would build it from this configuration. */
export function buildTestDeps(config: ReturnType<typeof loadConfig>, opts: CoreOptions = {}): Deps {
  return wire(buildCore(config, opts), {
    k8s,
    sessions,
    gitlab,
    registry,
    resources,
    ledger,
    quotas,
    launchCleanup,
    stopHandOff,
    dataServices,
    amaltheaSessions,
  });
}

let installed: Deps | undefined;

/** The dependencies invoke() hands to endpoints; undefined lets them build from process.env. */
export function installTestDeps(deps: Deps | undefined): void {
  installed = deps;
}

/** The endpoint on the installed test dependencies (or as deployed when none are installed). */
export function withTestDeps<H extends LambdaHandler>(main: H): LambdaHandler {
  const seam = (main as { with?: (d: Deps) => LambdaHandler }).with;
  return installed && seam ? seam(installed) : main;
}

export function useTestDeps(env: Record<string, string> = {}): TestDeps {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const config = loadConfig({ ...BASE_ENV, ...env });
  const deps = buildTestDeps(config, { log: createLogger(config.log_level, sink) });
  installTestDeps(deps);
  return { deps, logs };
}

/**
 * `fn` on dependencies whose upstream timeout is `ms`, then the stack's own again: for a request
 * that meets an upstream that never answers, while every other request keeps the generous one.
 */
export async function withUpstreamTimeout<T>(
  stack: { env: Record<string, string>; deps: Deps },
  ms: number,
  fn: () => Promise<T>,
): Promise<T> {
  useTestDeps({ ...stack.env, NB_UPSTREAM_TIMEOUT_MS: String(ms) });
  try {
    return await fn();
  } finally {
    installTestDeps(stack.deps);
  }
}
