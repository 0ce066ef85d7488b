/** The sessions domain: pure rules that know no custom resource (lib/backends/ do). */

export { matchesFilters } from "./filters.js";
export {
  commitImage,
  type LaunchResourceRequest,
  legacyQueryFor,
  type MissingResources,
  missingResourcesError,
  resolveLaunchResources,
} from "./launch-rules.js";
export { ownsSession } from "./ownership.js";
export { selectByClassId } from "./resource-classes.js";
export { assertSafeUsernameLength, sessionNames } from "./server-name.js";
export {
  parseServerOptions,
  serverOptionsResponse,
} from "./server-options.js";
export type * from "./types.js";
