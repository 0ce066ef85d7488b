/**
 * The resources of a new resource class for PATCH (section 10, D16). With a resource-pool
 * service the class is looked up among the pools the user may use; with static server options
 * there are no resource classes, so any id is unknown (422 code 1005).
 */
import type { RegisteredUser } from "../auth/user.js";
import type { Config } from "../config/schema.js";
import { invalidComputeResource } from "../errors.js";
import { parseServerOptions, selectByClassId } from "../sessions/index.js";
import type { ResourceSource } from "../sessions/resource-source.js";
import type { ResolvedResources } from "../sessions/types.js";

export async function resourcesForClass(
  config: Config,
  user: RegisteredUser,
  classId: number,
  source: ResourceSource,
): Promise<ResolvedResources> {
  if (source.kind === "static") {
    throw invalidComputeResource(`The resource class ID ${classId} does not exist.`);
  }
  const defaults = parseServerOptions(config, {}, true);
  // Storage is not re-checked on PATCH: the volume keeps its size.
  return selectByClassId(
    await source.pools(user.accessToken),
    classId,
    undefined,
    { defaultUrl: defaults.defaultUrl, lfsAutoFetch: defaults.lfs_auto_fetch },
    false,
  );
}
