/**
 * What a function needs. Each function file is its own composition root: it names the adapters it
 * uses, e.g. handler(route, business, { k8s, gitlab }), so its bundle carries only those clients
 * and its business function is typed with only those dependencies (a missing one does not compile).
 * The core (configuration, logger, clock, token verifier) and the declared adapters are built once
 * per warm container on the first request, never at import; adapter factories do no I/O.
 */

import type { IdTokenVerifier } from "../auth/authenticate.js";
import { jwksVerifiers } from "../auth/jwks.js";
import type { LaunchCleanupHandOff } from "../autosave/hand-off.js";
import type { LedgerStore } from "../autosave/ports.js";
import type { StopHandOff } from "../autosave/stop-hand-off.js";
import type { AmaltheaSession } from "../backends/amaltheasession/types.js";
import type { JupyterServer } from "../backends/jupyterserver/types.js";
import type { SessionBackend } from "../backends/port.js";
import { getConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import type { DataServicesClient } from "../data-services/client.js";
import type { GitLabClientOptions } from "../gitlab/client.js";
import type { GitLab } from "../gitlab/types.js";
import type { NamespaceClient } from "../k8s/namespace-client.js";
import { createLogger, type Logger } from "../obs/log.js";
import { firstInProcess } from "../obs/warn-once.js";
import type { SlotStore } from "../quotas/reserve.js";
import type { RegistryClient } from "../registry/client.js";
import type { ResourceSource } from "../sessions/resource-source.js";

/** What every function has, whatever adapters it declares. */
export interface Core {
  config: Config;
  log: Logger;
  now: () => Date;
  verifyIdToken: IdTokenVerifier | undefined;
  /** Strict mode checks the access token too, with the same keys. */
  verifyAccessToken: IdTokenVerifier | undefined;
  /** v2: the Keycloak access token, for renku-data-services' audiences. */
  verifyV2AccessToken: IdTokenVerifier | undefined;
}

/** The heavy clients; a function gets one only by declaring its factory (lib/adapters/). */
export interface Adapters {
  /**
   * A GitLab client acting with this token (a user's, the service's) or anonymously without one;
   * a job passes its own retry budget and logger.
   */
  gitlab: (token?: string, opts?: Pick<GitLabClientOptions, "maxRetryMs" | "log">) => GitLab;
  /**
   * The sessions namespace of the configured cluster (kubeconfig or EKS, docs/spec.md D18); its
   * custom objects are config.amalthea's (JupyterServers), forResource reaches the others.
   */
  k8s: NamespaceClient<JupyterServer>;
  /** The sessions, in whichever custom resource the configured backend keeps them. */
  sessions: SessionBackend;
  /** Image checks against container registries, behind the SSRF guard (D15). */
  registry: RegistryClient;
  /** Where resources come from (D16): the resource-pool service or the static server options. */
  resources: ResourceSource;
  /** The autosave ledger (D17), kept in a ConfigMap of the sessions namespace. */
  ledger: LedgerStore;
  /** The quota places (lib/quotas/reserve.ts), ConfigMaps of the sessions namespace. */
  quotas: SlotStore;
  /** v2: renku-data-services with a caller's token (unset NB_DATA_SERVICES__URL: undefined). */
  dataServices: DataServicesClient | undefined;
  /** v2: the AmaltheaSessions of the sessions namespace, as renku-data-services reads them. */
  amaltheaSessions: NamespaceClient<AmaltheaSession>;
  /** Hands the clean-up on launch to its own function (D11); absent: it runs inline. */
  launchCleanup?: LaunchCleanupHandOff | undefined;
  /** Hands a stop that needs the sidecar's autosave first to its own function (D24); absent: inline. */
  stopHandOff?: StopHandOff | undefined;
}

/** Every dependency there is; code below the functions asks for a Pick of it. */
export type Deps = Core & Adapters;

/** A typed lazy factory: builds one adapter from the core and the adapters built before it. */
export type Adapter<K extends keyof Adapters> = (
  core: Core,
  built: Partial<Adapters>,
) => Adapters[K];

/** The adapters a function declares, by name. */
export type AdapterSet = { [K in keyof Adapters]?: Adapter<K> };

/** What a function that declared `A` receives. */
export type Wired<A extends AdapterSet> = Core & Pick<Adapters, keyof A & keyof Adapters>;

export interface CoreOptions {
  log?: Logger;
  now?: () => Date;
}

export function buildCore(config: Config, opts: CoreOptions = {}): Core {
  const log = opts.log ?? createLogger(config.log_level);
  const jwksUrl = config.auth.jwks_url;
  if (!jwksUrl && firstInProcess("jwks-warning")) {
    log.warn(
      "NB_AUTH__JWKS_URL is not set: ID tokens are decoded, not verified; the gateway is trusted",
    );
  }
  const verifiers = jwksUrl
    ? jwksVerifiers({
        jwksUrl,
        issuer: config.auth.issuer,
        audience: config.auth.audience,
        v2Audiences: config.auth.access_token_audiences,
        timeoutMs: config.upstream_timeout_ms,
      })
    : undefined;
  return {
    config,
    log,
    now: opts.now ?? (() => new Date()),
    verifyIdToken: verifiers?.idToken,
    verifyAccessToken: verifiers?.accessToken,
    verifyV2AccessToken: verifiers?.v2AccessToken,
  };
}

/** Builds the declared adapters, in declaration order, on top of a core. */
export function wire<A extends AdapterSet>(core: Core, adapters: A): Wired<A> {
  const built: Partial<Adapters> = {};
  for (const [name, factory] of Object.entries(adapters) as [keyof Adapters, Adapter<never>][]) {
    (built as Record<string, unknown>)[name] = factory(core, built);
  }
  return { ...core, ...built } as Wired<A>;
}

/**
 * The container's dependencies for one function, built on its first request from the environment;
 * a bad configuration throws ConfigError there (and is retried on the next request).
 */
export function containerDeps<A extends AdapterSet>(adapters: A): () => Wired<A> {
  let deps: Wired<A> | undefined;
  return () => {
    deps ??= wire(buildCore(getConfig()), adapters);
    return deps;
  };
}
