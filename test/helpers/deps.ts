/** Installs dependencies built from a test environment, with the logs captured in memory. */
import { Writable } from "node:stream";
import { loadConfig } from "../../lib/config.js";
import { buildDeps, type Deps, setDeps } from "../../lib/deps.js";
import { createLogger } from "../../lib/log.js";

export const BASE_ENV = {
  NB_SESSIONS__INGRESS__HOST: "sessions.example.org",
  NB_LOG_LEVEL: "debug",
} as const;

export interface TestDeps {
  deps: Deps;
  /** Every log line written so far, raw. */
  logs: string[];
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
  const deps = buildDeps(config, { log: createLogger(config.log_level, sink) });
  setDeps(deps);
  return { deps, logs };
}
