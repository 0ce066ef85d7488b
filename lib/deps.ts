/**
 * What a handler needs, built once per warm container on first use (never at import), so a cold
 * start pays only for what the endpoint touches. The heavy clients (Kubernetes, GitLab, registry,
 * resource pools) are adapters: a module that uses one imports its registration from
 * lib/adapters/, so only the functions that need a client bundle it. Tests and `npm start`
 * install their own dependencies with setDeps.
 */

import type { IdTokenVerifier } from "./auth/authenticate.js";
import { jwksVerifier } from "./auth/jwks.js";
import { type Config, getConfig } from "./config.js";
import type { CrcClient } from "./crc/client.js";
import type { GitLab } from "./gitlab/types.js";
import type { SessionsRepository } from "./k8s/sessions-repository.js";
import { createLogger, type Logger } from "./log.js";
import type { RegistryClient } from "./registry/client.js";
import type { JupyterServer } from "./sessions/types.js";
import { firstInProcess } from "./warn-once.js";

export interface Adapters {
  /** A GitLab client acting with this token (a user's, the service's) or anonymously without one. */
  gitlab: (token?: string) => GitLab;
  /** The sessions namespace of the configured cluster (kubeconfig or EKS, D18). */
  k8s: SessionsRepository<JupyterServer>;
  /** Image checks against container registries, behind the SSRF guard (D15). */
  registry: RegistryClient;
  /** The resource-pool service (D16a); undefined when config.crc_url is unset (static options). */
  crc: CrcClient | undefined;
}

export type AdapterName = keyof Adapters;
const ADAPTERS: readonly AdapterName[] = ["gitlab", "k8s", "registry", "crc"];

export interface Deps extends Adapters {
  config: Config;
  log: Logger;
  now: () => Date;
  verifyIdToken: IdTokenVerifier | undefined;
}

type Factory<K extends AdapterName> = (config: Config, log: Logger) => Adapters[K];
const factories: { [K in AdapterName]?: Factory<K> } = {};

/** Called by lib/adapters/<name>.ts when a module that needs the adapter is loaded. */
export function provideAdapter<K extends AdapterName>(name: K, factory: Factory<K>): void {
  (factories as Record<K, Factory<K>>)[name] = factory;
}

export interface DepsOptions extends Partial<Adapters> {
  log?: Logger;
  now?: () => Date;
}

export function buildDeps(config: Config, opts: DepsOptions = {}): Deps {
  const log = opts.log ?? createLogger(config.log_level);
  const jwksUrl = config.auth.jwks_url;
  if (!jwksUrl && firstInProcess("jwks-warning")) {
    log.warn(
      "NB_AUTH__JWKS_URL is not set: ID tokens are decoded, not verified; the gateway is trusted",
    );
  }
  const deps = {
    config,
    log,
    now: opts.now ?? (() => new Date()),
    verifyIdToken: jwksUrl
      ? jwksVerifier({
          jwksUrl,
          issuer: config.auth.issuer,
          audience: config.auth.audience,
          timeoutMs: config.upstream_timeout_ms,
        })
      : undefined,
  } as Deps;
  // Adapters are built on first use: no connection, file read or AWS call before a request needs it.
  const built = new Map<AdapterName, unknown>();
  for (const name of ADAPTERS) {
    if (opts[name] !== undefined) built.set(name, opts[name]);
    Object.defineProperty(deps, name, {
      enumerable: true,
      get: () => {
        if (!built.has(name)) {
          const factory = factories[name];
          if (!factory) {
            throw new Error(`the ${name} adapter is not wired: import lib/adapters/${name}.js`);
          }
          built.set(name, factory(config, log));
        }
        return built.get(name);
      },
      set: (value: unknown) => {
        built.set(name, value);
      },
    });
  }
  return deps;
}

let current: Deps | undefined;

export function getDeps(): Deps {
  current ??= buildDeps(getConfig());
  return current;
}

/** Replace the container's dependencies (tests, local runs); undefined rebuilds from the environment. */
export function setDeps(deps: Deps | undefined): void {
  current = deps;
}
