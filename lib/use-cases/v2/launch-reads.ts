/**
 * What a v2 launch reads once it has the launcher, all started at once: the existing session
 * (Kubernetes), the project, the pools, the caller's session secrets and the project's data
 * connector links (renku-data-services, with the caller's token), the image's access and working
 * directory (registry, image-access.ts), and the pool's usage when the class has its quota enforced. The usage needs the
 * pool's id: it is asked as soon as the pools answer names it, or at once when an earlier pools
 * answer in this process put the class in a pool (DataServices.poolHint), and asked again if
 * today's answer puts it elsewhere. The caller awaits the parts in data-services' order, so its
 * errors and their precedence are those of the reads one after another.
 */

import type { V2Caller } from "../../auth/v2-caller.js";
import type { AmaltheaSession } from "../../backends/amaltheasession/types.js";
import type { DataServices } from "../../data-services/client.js";
import type { Launcher, PoolUsage, Project, ResourcePool } from "../../data-services/schemas.js";
import { fromUpstream } from "./errors.js";
import type { ImageAccess } from "./image-access.js";
import { type PoolAndClass, pickClass } from "./resources.js";

export interface LaunchReads {
  existing: Promise<AmaltheaSession | undefined>;
  /** Project, pools, saved session secrets, data connector links (rejecting as Promise.all). */
  upstream: Promise<[Project, ResourcePool[], unknown[], { data_connector_id: string }[]]>;
  /** The usage of the chosen class's pool (call only when that class has quota_enforced). */
  usage(chosen: PoolAndClass): Promise<PoolUsage>;
  image: Promise<ImageAccess>;
}

export interface ReadSources {
  ds: DataServices;
  caller: V2Caller;
  launcher: Launcher;
  classId: number | null;
  findExisting: () => Promise<AmaltheaSession | undefined>;
  /** Never rejects: a registry that cannot be asked is "pullable". */
  image: () => Promise<ImageAccess>;
}

/** A promise whose rejection is handled where it is awaited, or not at all when the launch ends first. */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

export function startLaunchReads(src: ReadSources): LaunchReads {
  const { ds, caller, launcher, classId } = src;
  const hint = ds.poolHint(classId);
  const early = hint?.quotaEnforced
    ? { poolId: hint.poolId, usage: quiet(fromUpstream(ds.poolUsage(hint.poolId))) }
    : undefined;
  const pools = fromUpstream(ds.resourcePools());
  // As soon as the pools name the class's pool, unless the hint already asked that pool.
  const chained = quiet(
    pools.then((answer) => {
      const { pool, resourceClass } = pickClass(answer, classId);
      if (!resourceClass.quota_enforced || early?.poolId === pool.id) return undefined;
      return fromUpstream(ds.poolUsage(pool.id));
    }),
  );
  const upstream = quiet(
    Promise.all([
      fromUpstream(ds.project(launcher.project_id)),
      pools,
      caller.kind === "registered"
        ? fromUpstream(ds.sessionSecrets(launcher.project_id))
        : Promise.resolve([]),
      fromUpstream(ds.dataConnectorLinks(launcher.project_id)),
    ]),
  );
  return {
    existing: quiet(src.findExisting()),
    upstream,
    async usage({ pool }) {
      if (early?.poolId === pool.id) return early.usage;
      const usage = await chained;
      return usage ?? fromUpstream(ds.poolUsage(pool.id));
    },
    image: quiet(src.image()),
  };
}
