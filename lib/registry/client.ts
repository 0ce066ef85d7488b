/**
 * Does an image exist, is it private, and what is its working directory (docs/spec.md 7.2)?
 * The registry v2 API in two protocols: the token authentication with the 1.18 credential rule
 * (auth.ts) and the manifest walk (manifests.ts). This module puts them together per check and
 * maps what fails to the service's errors. Every request, token realms and redirects included,
 * goes through the SSRF guard (guard.ts).
 */
import { AppError, upstreamUnavailable } from "../errors.js";
import type { ImageRef } from "../util/image-ref.js";
import { authorisedGet } from "./auth.js";
import { createGuard, HostNotFoundError, type Lookup } from "./guard.js";
import { createAgents, UpstreamStatus } from "./http.js";
import {
  createManifestWalker,
  MANIFEST_HEADERS,
  manifestUrl,
  type RegistryImage,
} from "./manifests.js";
import { TokenCache } from "./token-cache.js";

export type { ImagePlatform } from "./manifests.js";

export interface RegistryCredentials {
  /** The user's GitLab token; used only for the GitLab registry host. */
  gitlabToken?: string;
}

export interface CheckOptions {
  /** Read the config blob for the working directory (default true). */
  workdir?: boolean;
}

export interface RegistryClientOptions {
  /** Hosts exempt from the SSRF guard ("host" or "host:port"). */
  allowedHosts: readonly string[];
  /** Hosts spoken to over plain http ("host" or "host:port"); everything else is https. */
  plainHttpHosts: readonly string[];
  /** config.git.registry: where the user's GitLab token may be sent. */
  gitlabRegistryHost: string;
  /** Per-request timeout. */
  timeoutMs: number;
  /** DNS resolution, replaceable in tests. */
  lookup?: Lookup;
  /** Static Basic credentials per registry host, for registries the platform itself pulls from. */
  credentials?: Record<string, { username: string; password: string }>;
}

export interface RegistryClient {
  check(ref: ImageRef, creds?: RegistryCredentials, opts?: CheckOptions): Promise<RegistryImage>;
}

const hostMatcher = (hosts: readonly string[]) => {
  const set = new Set(hosts.map((h) => h.trim().toLowerCase()).filter(Boolean));
  return (url: URL) => {
    const port = url.port || (url.protocol === "http:" ? "80" : "443");
    return set.has(url.hostname.toLowerCase()) || set.has(`${url.hostname.toLowerCase()}:${port}`);
  };
};

export function createRegistryClient(opts: RegistryClientOptions): RegistryClient {
  const guard = createGuard({ allowedHosts: opts.allowedHosts, lookup: opts.lookup });
  const agents = createAgents();
  const tokens = new TokenCache();
  const walk = createManifestWalker();
  const plainHosts = new Set(opts.plainHttpHosts.map((h) => h.trim().toLowerCase()));
  const isPlainHost = (host: string, hostname: string) =>
    plainHosts.has(host) || plainHosts.has(hostname);
  const isPlain = hostMatcher(opts.plainHttpHosts);
  const gitlabHost = opts.gitlabRegistryHost.trim().toLowerCase();

  async function checkOnce(
    ref: ImageRef,
    creds: RegistryCredentials,
    checkOpts: CheckOptions,
  ): Promise<RegistryImage> {
    const scheme = isPlainHost(ref.host, ref.hostname) ? "http" : "https";
    const base = `${scheme}://${ref.host}/v2/${ref.repository}`;
    const isGitlab = ref.host === gitlabHost || ref.hostname === gitlabHost;
    const first = await authorisedGet(
      {
        guard,
        agents,
        timeoutMs: opts.timeoutMs,
        isPlain,
        repository: ref.repository,
        origin: `${scheme}://${ref.host}`,
        tokens,
      },
      manifestUrl(base, ref.reference),
      MANIFEST_HEADERS,
      {
        fixed: opts.credentials?.[ref.host],
        gitlabToken: isGitlab ? creds.gitlabToken : undefined,
      },
    );
    return walk(first.get, first.res, {
      base,
      digest: ref.digest,
      private: first.private,
      workdir: checkOpts.workdir,
    });
  }

  return {
    async check(ref, creds = {}, checkOpts = {}) {
      try {
        return await checkOnce(ref, creds, checkOpts);
      } catch (error) {
        if (error instanceof AppError) throw error;
        const message = `The image registry ${ref.host} could not be reached.`;
        if (error instanceof HostNotFoundError) {
          // The registry's own name does not resolve: there is no such image to be found.
          if (error.host === ref.hostname) return { exists: false, private: false };
          throw upstreamUnavailable(message, { cause: error });
        }
        if (error instanceof UpstreamStatus) {
          throw upstreamUnavailable(`The image registry ${ref.host} is unavailable.`, {
            cause: new Error(`HTTP ${error.response.status} from ${error.response.url.host}`),
          });
        }
        // Timeouts, refused or reset connections, and anything else on the wire.
        throw upstreamUnavailable(message, { cause: error });
      }
    },
  };
}
