/**
 * Small pure pieces of the launch flow (sections 4.1, 7.3): the commit image, the resources to
 * request and the error when they cannot be had.
 */
import type { Config } from "../config/schema.js";
import type { PoolQuery, ResourcePool } from "../crc/types.js";
import { missingResource } from "../errors.js";
import {
  type ClassSelection,
  legacyPoolQuery,
  selectBestMatch,
  selectByClassId,
  selectDefault,
} from "./resource-classes.js";
import {
  parseServerOptions,
  type ResourceRequest,
  resolveStaticResources,
} from "./server-options.js";
import type { GitlabProject, ResolvedResources } from "./types.js";

/** The image GitLab CI builds per commit: `<registry>/<path_with_namespace>:<sha[:7]>` (D6). */
export function commitImage(
  config: Config,
  project: Pick<GitlabProject, "path_with_namespace">,
  commitSha: string,
): string {
  return `${config.git.registry}/${project.path_with_namespace.toLowerCase()}:${commitSha.slice(0, 7)}`;
}

export interface MissingResources {
  /** `namespace/project` as requested. */
  project?: string | undefined;
  branch?: string | undefined;
  commit?: string | undefined;
  image?: string | undefined;
}

/** All failed existence checks in the one 404 of section 4.1 (undefined when nothing is missing). */
export function missingResourcesError(missing: MissingResources) {
  const items = [
    missing.project !== undefined ? `project ${missing.project} does not exist` : undefined,
    missing.branch !== undefined ? `branch ${missing.branch} does not exist` : undefined,
    missing.commit !== undefined ? `commit ${missing.commit} does not exist` : undefined,
    missing.image !== undefined
      ? `image ${missing.image} does not exist or cannot be accessed`
      : undefined,
  ].filter((s): s is string => s !== undefined);
  if (items.length === 0) return undefined;
  return missingResource(
    `Cannot start the session because the following Git or Docker resources are missing: ${items.join(", ")}`,
  );
}

export interface LaunchResourceRequest extends ResourceRequest {
  resourceClassId?: number | null | undefined;
}

/**
 * Resources for a launch (D16): with a resource-pool service, by class id, else legacy best
 * match, else the default class; without one, the static server options. `pools` is what the
 * resource-pool service returned (ignored in static mode).
 */
export function resolveLaunchResources(
  config: Config,
  request: LaunchResourceRequest,
  pools: readonly ResourcePool[] | undefined,
): ResolvedResources {
  if (pools === undefined) return resolveStaticResources(config, request);
  const parsed = parseServerOptions(config, { ...request, storageGb: undefined }, true);
  const opts: ClassSelection = {
    defaultUrl: parsed.defaultUrl,
    lfsAutoFetch: parsed.lfs_auto_fetch,
  };
  if (request.resourceClassId != null) {
    return selectByClassId(pools, request.resourceClassId, request.storageGb, opts);
  }
  // The reference's legacy schema ignores the top-level storage (disk defaults to 1 GB).
  if (request.serverOptions) return selectBestMatch(pools, parsed, opts);
  return selectDefault(pools, request.storageGb, opts);
}

/**
 * The filter sent to the resource-pool service with a legacy request (serverOptions without a
 * class id), as the reference sent it; undefined for every other request.
 */
export function legacyQueryFor(
  config: Config,
  request: LaunchResourceRequest,
): PoolQuery | undefined {
  if (!config.crc_url || request.resourceClassId != null || !request.serverOptions)
    return undefined;
  return legacyPoolQuery(parseServerOptions(config, { ...request, storageGb: undefined }, true));
}
