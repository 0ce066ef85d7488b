/**
 * Step 4 of the launch (docs/spec.md 4.1, D16): the session's resources, from the resource-pool
 * service when one is configured, else from the static server options. Errors are the reference's
 * 422s (code 1005 for a class and its storage, 1000 for legacy matching and the default class's
 * storage, 1422 for static options).
 */

import type { Deps } from "../../adapters/deps.js";
import type { User } from "../../auth/user.js";
import {
  type LaunchResourceRequest,
  legacyQueryFor,
  resolveLaunchResources,
} from "../../sessions/index.js";
import type { ResolvedResources } from "../../sessions/types.js";
import type { LaunchBody } from "./body.js";

export function resourceRequest(body: LaunchBody): LaunchResourceRequest {
  return {
    serverOptions: body.serverOptions,
    defaultUrl: body.default_url,
    lfsAutoFetch: body.lfs_auto_fetch,
    storageGb: body.storage,
    resourceClassId: body.resource_class_id,
  };
}

/** One call to the resource-pool service when it is configured (with the caller's token), else none. */
export async function launchResources(
  deps: Pick<Deps, "config" | "resources">,
  user: User,
  body: LaunchBody,
): Promise<ResolvedResources> {
  const request = resourceRequest(body);
  const source = deps.resources;
  if (source.kind === "static") return resolveLaunchResources(deps.config, request, undefined);
  const pools = await source.pools(
    user.kind === "registered" ? user.accessToken : undefined,
    legacyQueryFor(deps.config, request),
  );
  return resolveLaunchResources(deps.config, request, pools);
}
