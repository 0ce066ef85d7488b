/**
 * Client of renku-data-services for v2 launches: each read carries the caller's own Keycloak
 * access token (`Authorization: Bearer`), so data-services' authorisation decides what the caller
 * may see (a launcher of a private project is 404 to a non-member). Answers other than 200 come
 * back as DataServicesError with data-services' own error body; a failed connection or a body of
 * the wrong shape is DataServicesError status 0. The token never reaches an error or a log line.
 */
import { isTimeout } from "../errors.js";
import { observeUpstream } from "../obs/upstream.js";
import { httpFetch } from "../util/node-fetch.js";
import { trimTrailingSlashes } from "../util/trim.js";
import {
  type Launcher,
  type PoolUsage,
  type Project,
  type ResourceClass,
  type ResourcePool,
  schemas,
} from "./schemas.js";

export class DataServicesError extends Error {
  static {
    Object.defineProperty(DataServicesError, "name", { value: "DataServicesError" });
  }
  constructor(
    /** data-services' HTTP status; 0 when there was no usable answer. */
    readonly status: number,
    message: string,
    /** data-services' own `{"error": {...}}` body, when it sent one. */
    readonly body?: { code?: number; message?: string; detail?: string },
  ) {
    super(message);
    this.name = "DataServicesError";
  }
}

export interface DataServices {
  launcher(id: string): Promise<Launcher>;
  project(id: string): Promise<Project>;
  /** The pools this caller may use (public ones for anonymous callers). */
  resourcePools(): Promise<ResourcePool[]>;
  resourceClass(id: number): Promise<ResourceClass>;
  /** The caller's usage of a pool this week, with the pool's limits. */
  poolUsage(poolId: number): Promise<PoolUsage>;
  /** The data connectors linked to a project (their ids). */
  dataConnectorLinks(projectId: string): Promise<{ data_connector_id: string }[]>;
  /** The caller's saved secrets for the project's session secret slots. */
  sessionSecrets(projectId: string): Promise<unknown[]>;
  /**
   * The pool a class was in when pools were last read in this process (`null`: the default
   * class), so a launch can ask for the pool's usage while the pools are still being read. Only
   * a hint: a class id names one class in one pool, but the caller's pools answer decides.
   */
  poolHint(classId: number | null): PoolHint | undefined;
}

export interface PoolHint {
  poolId: number;
  quotaEnforced: boolean;
}

/** Class id (`null`: the default pool's default class) -> its pool, from the pools answers seen. */
function poolHints() {
  const hints = new Map<number | null, PoolHint>();
  return {
    get: (classId: number | null) => hints.get(classId),
    learn(pools: ResourcePool[]) {
      for (const pool of pools) {
        for (const c of pool.classes)
          hints.set(c.id, { poolId: pool.id, quotaEnforced: c.quota_enforced === true });
      }
      const fallback = pools.find((p) => p.default);
      const fallbackClass = fallback?.classes.find((c) => c.default) ?? fallback?.classes[0];
      if (fallbackClass) hints.set(null, hints.get(fallbackClass.id) as PoolHint);
    },
  };
}

export interface DataServicesOptions {
  /** e.g. http://renku-data-service/api/data (config data_services.url). */
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** A client per caller: `forToken(accessToken)`, or without a token for anonymous callers. */
export function createDataServicesClient(opts: DataServicesOptions) {
  const doFetch = opts.fetch ?? httpFetch;
  const base = trimTrailingSlashes(opts.baseUrl);
  const hints = poolHints();
  return (accessToken?: string): DataServices => {
    const get = <T>(path: string, parse: (body: unknown) => T): Promise<T> =>
      observeUpstream("DataServices", "GET", () => call(path, parse));

    async function call<T>(path: string, parse: (body: unknown) => T): Promise<T> {
      const headers: Record<string, string> = { accept: "application/json" };
      if (accessToken) headers.authorization = `Bearer ${accessToken}`;
      const url = `${base}${path}`;
      let res: Response;
      let text: string;
      try {
        res = await doFetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs) });
        text = await res.text();
      } catch (cause) {
        const why = isTimeout(cause) ? `no answer within ${opts.timeoutMs} ms` : "cannot connect";
        throw new DataServicesError(0, `Error on remote connection GET ${url}: ${why}`);
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (res.status !== 200) {
        const error = (body as { error?: DataServicesError["body"] } | undefined)?.error;
        throw new DataServicesError(
          res.status,
          `GET ${path} answered ${res.status}`,
          typeof error === "object" && error !== null ? error : undefined,
        );
      }
      try {
        return parse(body);
      } catch {
        throw new DataServicesError(0, `GET ${path} answered an unexpected body`);
      }
    }

    const id = encodeURIComponent;
    return {
      launcher: (launcherId) =>
        get(`/session_launchers/${id(launcherId)}`, (b) => schemas().launcher.parse(b)),
      project: (projectId) => get(`/projects/${id(projectId)}`, (b) => schemas().project.parse(b)),
      resourcePools: async () => {
        const pools = await get("/resource_pools", (b) => schemas().pools.parse(b));
        hints.learn(pools);
        return pools;
      },
      resourceClass: (classId) =>
        get(`/classes/${classId}`, (b) => schemas().resourceClass.parse(b)),
      poolUsage: (poolId) =>
        get(`/resource_pools/${poolId}/usage`, (b) => schemas().usage.parse(b)),
      dataConnectorLinks: (projectId) =>
        get(`/projects/${id(projectId)}/data_connector_links`, (b) => schemas().links.parse(b)),
      sessionSecrets: (projectId) =>
        get(`/projects/${id(projectId)}/session_secrets`, (b) => schemas().sessionSecrets.parse(b)),
      poolHint: hints.get,
    };
  };
}

export type DataServicesClient = ReturnType<typeof createDataServicesClient>;
