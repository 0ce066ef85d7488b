/**
 * The resource pool and class of a v2 launch or class change, and the quota check, from
 * renku-data-services' answers (core_sessions.py start_session, _check_quota; data_service.py
 * validate_class_storage) in its own words.
 */

import { v2Errors } from "../../api/v2/errors.js";
import type { DataServices } from "../../data-services/client.js";
import type { PoolUsage, ResourceClass, ResourcePool } from "../../data-services/schemas.js";
import { fromUpstream } from "./errors.js";

export const QUOTA_EXHAUSTED =
  "Cannot start the session because your quota in the selected resource pool is exhausted.";

export interface PoolAndClass {
  pool: ResourcePool;
  resourceClass: ResourceClass;
}

/** The class asked for, else the default pool's default class (or its first). */
export function pickClass(pools: ResourcePool[], classId: number | null | undefined): PoolAndClass {
  if (classId == null) {
    const pool = pools.find((p) => p.default);
    const resourceClass = pool?.classes.find((c) => c.default) ?? pool?.classes[0];
    if (!pool || !resourceClass)
      throw v2Errors.server("Cannot find any resource classes in the default pool.");
    return { pool, resourceClass };
  }
  for (const pool of pools) {
    const resourceClass = pool.classes.find((c) => c.id === classId);
    if (resourceClass) return { pool, resourceClass };
  }
  throw v2Errors.missing(`The resource class with ID ${classId} does not exist.`);
}

/** data-services' validate_class_storage; the disk to use (the class default when not given). */
export function diskStorage(resourceClass: ResourceClass, requested: number | null | undefined) {
  if (requested != null) {
    if (requested < 1)
      throw v2Errors.invalid("Storage requests have to be greater than or equal to 1GB.");
    if (requested > resourceClass.max_storage)
      throw v2Errors.invalid("The requested storage surpasses the maximum value allowed.");
  }
  return requested || resourceClass.default_storage;
}

/** 422 when the caller's cost this week has reached the pool's effective limit. */
export async function checkQuota(ds: DataServices, poolId: number): Promise<void> {
  enforceQuota(await fromUpstream(ds.poolUsage(poolId)));
}

/** The check itself, on a usage answer already read. */
export function enforceQuota(usage: PoolUsage): void {
  const { user_limit: a, total_limit: b } = usage.pool_limits;
  const limit = b === 0 ? a : a === 0 ? b : Math.min(a, b);
  if (limit > 0 && usage.user_usage.cost >= limit) throw v2Errors.invalid(QUOTA_EXHAUSTED);
}
