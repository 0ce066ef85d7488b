/**
 * Resource-pool selection (D16a, section 6.3) over the pools the resource-pool service returned.
 * Pure: the caller fetches the pools (with the user's token) and hands them in.
 */

import type { PoolQuery, ResourceClass, ResourcePool } from "../crc/types.js";
import { configurationError, invalidComputeResource, userInputError } from "../errors.js";
import type { ParsedServerOptions } from "./server-options.js";
import type { ResolvedResources } from "./types.js";

export interface ClassSelection {
  /** Session options that do not come from the class. */
  defaultUrl: string;
  lfsAutoFetch: boolean;
}

const GB = 1e9;

function resolved(
  pool: ResourcePool,
  cls: ResourceClass,
  storageGb: number,
  opts: ClassSelection,
): ResolvedResources {
  return {
    cpu: cls.cpu,
    memory: Math.round(cls.memory * GB),
    storage: Math.round(storageGb * GB),
    gpu: cls.gpu,
    defaultUrl: opts.defaultUrl,
    lfsAutoFetch: opts.lfsAutoFetch,
    priorityClass: pool.quota?.id ?? null,
    resourceClassId: cls.id,
    idleThreshold: pool.idle_threshold ?? null,
    hibernationThreshold: pool.hibernation_threshold ?? null,
    tolerations: cls.tolerations ?? [],
    nodeAffinities: cls.node_affinities ?? [],
  };
}

/** Finds a class by id among the pools visible to the user; 422 code 1005 when absent. */
export function findResourceClass(
  pools: readonly ResourcePool[],
  classId: number,
): { pool: ResourcePool; cls: ResourceClass } {
  for (const pool of pools) {
    const cls = pool.classes.find((c) => c.id === classId);
    if (cls) return { pool, cls };
  }
  throw invalidComputeResource(`The resource class ID ${classId} does not exist.`);
}

/**
 * `resource_class_id` given: the class's resources, storage defaulting to its default_storage
 * and bounded by [1, max_storage] GB. `checkStorage: false` for PATCH (storage is not re-checked).
 */
export function selectByClassId(
  pools: readonly ResourcePool[],
  classId: number,
  storageGb: number | undefined,
  opts: ClassSelection,
  checkStorage = true,
): ResolvedResources {
  const { pool, cls } = findResourceClass(pools, classId);
  const storage = storageGb ?? cls.default_storage;
  if (checkStorage) {
    if (storage < 1)
      throw invalidComputeResource("Storage requests have to be greater than or equal to 1GB.");
    if (storage > cls.max_storage)
      throw invalidComputeResource("The requested storage surpasses the maximum value allowed.");
  }
  return resolved(pool, cls, storage, opts);
}

/** The default pool's default class; a deployment without one is misconfigured (500). */
export function findDefaultClass(pools: readonly ResourcePool[]): {
  pool: ResourcePool;
  cls: ResourceClass;
} {
  const pool = pools.find((p) => p.default);
  const cls = pool?.classes.find((c) => c.default);
  if (!pool || !cls) throw configurationError("Cannot find the default resource pool/class.");
  return { pool, cls };
}

/** No class and no legacy options: the default class with the requested storage (GB, default 1). */
export function selectDefault(
  pools: readonly ResourcePool[],
  storageGb: number | undefined,
  opts: ClassSelection,
): ResolvedResources {
  const { pool, cls } = findDefaultClass(pools);
  const storage = storageGb ?? 1;
  // The same minimum as an explicit class: `storage: 0` made a session without a volume.
  if (storage < 1)
    throw invalidComputeResource("Storage requests have to be greater than or equal to 1GB.");
  // A plain UserInputError (code 1000) in the reference, unlike the class-id path's 1005.
  if (storage > cls.max_storage) {
    throw userInputError(
      `The requested storage amount is higher than the allowable maximum for the default resource class of ${cls.max_storage}GB.`,
    );
  }
  // As 1.18.1: only a launch naming its class gets the pool's PriorityClass (and quota label);
  // a cluster without that PriorityClass refuses the pod otherwise.
  return { ...resolved(pool, cls, storage, opts), priorityClass: null };
}

export const LEGACY_NO_MATCH_MESSAGE =
  "Cannot find suitable server options based on your request and the available resource classes.";
export const LEGACY_NO_MATCH_DETAIL =
  "You are receiving this error because you are using the old API for selecting resources. Updating to the new API which includes specifying only a specific resource class ID and storage is recommended.";

/** Python's round(): a half goes to the even neighbour (2.5 -> 2, 3.5 -> 4). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

type LegacyRequest = Pick<
  ParsedServerOptions,
  "cpu_request" | "mem_request" | "disk_request" | "gpu_request"
>;

/** The query a legacy request sends, so that the service flags the classes that cover it. */
export function legacyPoolQuery(request: LegacyRequest): PoolQuery {
  return {
    cpu: request.cpu_request,
    memory: roundHalfEven(request.mem_request / GB),
    gpu: request.gpu_request,
    max_storage: roundHalfEven(request.disk_request / GB),
  };
}

/**
 * Legacy `serverOptions`, as the reference matched them: among classes flagged `matching`, those
 * whose cpu, memory, gpu and default storage all cover the request; a later class replaces the
 * best so far only when it is closer in every one of the four. The session gets the class's
 * default storage.
 */
export function selectBestMatch(
  pools: readonly ResourcePool[],
  request: LegacyRequest,
  opts: ClassSelection,
): ResolvedResources {
  const want = [
    request.cpu_request,
    request.mem_request,
    request.gpu_request,
    request.disk_request,
  ];
  let best: { pool: ResourcePool; cls: ResourceClass; diff: number[] } | undefined;
  for (const pool of pools) {
    for (const cls of pool.classes) {
      if (!cls.matching) continue;
      const have = [cls.cpu, cls.memory * GB, cls.gpu, cls.default_storage * GB];
      const diff = have.map((h, i) => h - (want[i] ?? 0));
      if (diff.some((d) => d < 0)) continue;
      if (!best || diff.every((d, i) => d < (best?.diff[i] ?? 0))) best = { pool, cls, diff };
    }
  }
  if (!best) throw userInputError(LEGACY_NO_MATCH_MESSAGE, { detail: LEGACY_NO_MATCH_DETAIL });
  return resolved(best.pool, best.cls, best.cls.default_storage, opts);
}
