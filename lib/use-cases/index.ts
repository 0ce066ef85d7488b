/** The session use cases: launch (POST), and lookup with ownership, stop, logs, PATCH. */

export { type AfterLaunchResult, afterLaunch } from "./after-launch.js";
export { type LaunchDeps, type LaunchOutcome, launchSession } from "./launch.js";
export type { LaunchBody } from "./launch-body.js";
export { type CheckedResources, checkLaunchResources, defaultImage } from "./launch-checks.js";
export { launchResources, resourceRequest } from "./launch-resources.js";
export { readSessionLogs } from "./logs.js";
export { findOwnedServer, notFoundMessages, requireOwnedServer } from "./lookup.js";
export { patchSession, pvDisabledError, type SessionPatch } from "./patch.js";
export { type PoolSource, resourcesForClass } from "./resource-class.js";
export { reinjectTokens } from "./resume.js";
export { stopSession } from "./stop.js";
