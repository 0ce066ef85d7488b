import type { z } from "zod";
import type { launchBody } from "../../api/requests.js";
import type { LaunchRequest } from "../../sessions/types.js";

/** The validated POST /notebooks/servers body (docs/spec.md 6.1). */
export type LaunchBody = z.output<typeof launchBody>;

/** The body's session coordinates in the domain's terms; the one place the body is remapped. */
export function toLaunchRequest(body: LaunchBody): LaunchRequest {
  return {
    namespace: body.namespace,
    project: body.project,
    branch: body.branch,
    commitSha: body.commit_sha,
    requestedImage: body.image ?? null,
    environmentVariables: body.environment_variables,
  };
}
