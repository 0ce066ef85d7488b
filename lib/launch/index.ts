/** The launch orchestration of POST /notebooks/servers, in small steps. */
export { type AfterLaunchResult, afterLaunch } from "./after-launch.js";
export { type CheckedResources, checkLaunchResources, defaultImage } from "./checks.js";
export {
  type Created,
  createServer,
  LAUNCH_ID_ANNOTATION,
  newLaunchId,
  removeOwnLaunch,
  withLaunchId,
} from "./create.js";
export { type LaunchDeps, type LaunchOutcome, launchSession } from "./launch.js";
export { launchResources, resourceRequest } from "./resources.js";
export type { LaunchBody } from "./types.js";
