/**
 * Client of the resource-pool service (CRC, docs/spec.md 6.3): `GET {crc_url}/resource_pools`
 * with the caller's Renku access token, so the service can answer with the pools that caller may
 * use. A non-200 answer is the reference's IntermittentError; no answer at all is a 503 (3503).
 * The token travels in the Authorization header only, never into an error or a log line.
 */
import * as z from "zod";
import { intermittentError, isTimeout, upstreamUnavailable } from "../errors.js";
import { observeUpstream } from "../obs/upstream.js";
import { httpFetch } from "../util/node-fetch.js";
import { once } from "../util/once.js";
import { trimTrailingSlashes } from "../util/trim.js";
import type { PoolQuery, ResourcePool } from "./types.js";

export const CRC_UNEXPECTED_MESSAGE =
  "The compute resource access control service sent an unexpected response, please try again later";

/**
 * The answer's schema, built on first use: only deployments with a resource-pool service (crc_url)
 * call it, and the others should not build ~60 zod schemas on every cold start.
 */
const poolsSchema = once(() => {
  const classSchema = z.looseObject({
    id: z.number().int(),
    name: z.string(),
    cpu: z.number(),
    memory: z.number(),
    gpu: z.number(),
    max_storage: z.number(),
    default_storage: z.number(),
    default: z.boolean(),
    matching: z.boolean().optional(),
    node_affinities: z
      .array(z.object({ key: z.string(), required_during_scheduling: z.boolean() }))
      .optional(),
    tolerations: z.array(z.string()).optional(),
  });

  const poolSchema = z.looseObject({
    id: z.number().int(),
    name: z.string(),
    default: z.boolean(),
    quota: z
      .looseObject({
        id: z.string(),
        cpu: z.number().optional(),
        memory: z.number().optional(),
        gpu: z.number().optional(),
      })
      .nullish(),
    idle_threshold: z.number().int().nullish(),
    hibernation_threshold: z.number().int().nullish(),
    classes: z.array(classSchema),
  }) satisfies z.ZodType<ResourcePool>;
  return z.array(poolSchema);
});

export interface CrcClientOptions {
  /** The service's base URL (config crc_url), e.g. http://crc/api/data. */
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface CrcClient {
  /**
   * The pools the caller may use; anonymous (no token) callers see the public ones. With a query
   * the service flags as `matching` the classes that cover it (legacy server options).
   */
  resourcePools(accessToken?: string, query?: PoolQuery): Promise<ResourcePool[]>;
}

/** The parameters in the order the reference sent them. */
const queryString = (q: PoolQuery) =>
  new URLSearchParams({
    cpu: String(q.cpu),
    gpu: String(q.gpu),
    memory: String(q.memory),
    max_storage: String(q.max_storage),
  }).toString();

export function createCrcClient(opts: CrcClientOptions): CrcClient {
  const doFetch = opts.fetch ?? httpFetch;
  const url = `${trimTrailingSlashes(opts.baseUrl)}/resource_pools`;
  return {
    resourcePools: (accessToken, query) =>
      observeUpstream("PoolService", "GET", () => resourcePools(accessToken, query)),
  };

  async function resourcePools(accessToken?: string, query?: PoolQuery): Promise<ResourcePool[]> {
    const headers: Record<string, string> = { accept: "application/json" };
    // The reference sends the scheme in lower case; servers compare it case-insensitively.
    if (accessToken) headers.authorization = `bearer ${accessToken}`;
    let res: Response;
    let text: string;
    try {
      const target = query ? `${url}?${queryString(query)}` : url;
      res = await doFetch(target, { headers, signal: AbortSignal.timeout(opts.timeoutMs) });
      text = await res.text();
    } catch (cause) {
      const message = isTimeout(cause)
        ? `The compute resource access control service did not answer within ${opts.timeoutMs} ms.`
        : "The compute resource access control service cannot be reached.";
      throw upstreamUnavailable(message, { cause });
    }
    if (res.status !== 200) {
      throw intermittentError(CRC_UNEXPECTED_MESSAGE, {
        cause: new Error(`GET /resource_pools answered ${res.status}`),
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (cause) {
      throw intermittentError(CRC_UNEXPECTED_MESSAGE, { cause });
    }
    const parsed = poolsSchema().safeParse(body);
    if (!parsed.success) {
      throw intermittentError(CRC_UNEXPECTED_MESSAGE, { cause: parsed.error });
    }
    return parsed.data as ResourcePool[];
  }
}
