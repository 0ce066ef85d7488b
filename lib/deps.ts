/**
 * What a handler needs, built once per warm container on first use (never at import), so a cold
 * start pays only for what the endpoint touches. Tests and `npm start` install their own with setDeps.
 */

import type { IdTokenVerifier } from "./auth/authenticate.js";
import { jwksVerifier } from "./auth/jwks.js";
import { type Config, getConfig } from "./config.js";
import { type CrcClient, createCrcClient } from "./crc/client.js";
import { createGitLabClient } from "./gitlab/client.js";
import type { GitLab } from "./gitlab/types.js";
import { clusterAccess } from "./k8s/cluster.js";
import { createSessionsRepository, type SessionsRepository } from "./k8s/sessions-repository.js";
import { createLogger, type Logger } from "./log.js";
import { createRegistryClient, type RegistryClient } from "./registry/client.js";

export interface Deps {
  config: Config;
  log: Logger;
  now: () => Date;
  verifyIdToken: IdTokenVerifier | undefined;
  /** A GitLab client acting with this token (a user's, the service's) or anonymously without one. */
  gitlab: (token?: string) => GitLab;
  /** The sessions namespace of the configured cluster (kubeconfig or EKS, D18). */
  k8s: SessionsRepository;
  /** Image checks against container registries, behind the SSRF guard (D15). */
  registry: RegistryClient;
  /** The resource-pool service (D16a); undefined when config.crc_url is unset (static options). */
  crc?: CrcClient | undefined;
}

export interface DepsOptions {
  log?: Logger;
  now?: () => Date;
  k8s?: SessionsRepository;
  registry?: RegistryClient;
  crc?: CrcClient;
}

export function buildDeps(config: Config, opts: DepsOptions = {}): Deps {
  const log = opts.log ?? createLogger(config.log_level);
  const jwksUrl = config.auth.jwks_url;
  if (!jwksUrl) {
    log.warn(
      "NB_AUTH__JWKS_URL is not set: ID tokens are decoded, not verified; the gateway is trusted",
    );
  }
  return {
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
    // Cheap to build: no connection is opened until a call is made.
    gitlab: (token?: string) =>
      createGitLabClient({
        baseUrl: config.git.url,
        token,
        timeoutMs: config.upstream_timeout_ms,
        log,
      }),
    // Cheap too: the kubeconfig is read, or EKS asked, on the first Kubernetes call.
    k8s:
      opts.k8s ??
      createSessionsRepository({
        access: clusterAccess(config.k8s, { timeoutMs: config.upstream_timeout_ms }),
        config,
        log,
      }),
    // No I/O until the first check.
    registry:
      opts.registry ??
      createRegistryClient({
        allowedHosts: config.registry.allowed_hosts,
        plainHttpHosts: config.registry.plain_http_hosts,
        gitlabRegistryHost: config.git.registry,
        timeoutMs: config.upstream_timeout_ms,
      }),
    // No I/O until the first launch that needs resource pools.
    crc:
      opts.crc ??
      (config.crc_url
        ? createCrcClient({ baseUrl: config.crc_url, timeoutMs: config.upstream_timeout_ms })
        : undefined),
  };
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
