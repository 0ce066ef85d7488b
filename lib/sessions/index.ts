/** The sessions domain: pure rules that know no custom resource (lib/backends/ do). */
export {
  commitImage,
  type LaunchResourceRequest,
  type MissingResources,
  missingResourcesError,
  resolveLaunchResources,
} from "./launch-rules.js";
export {
  bytesFromQuantity,
  cpuFromQuantity,
  formatGigabytes,
  parseBytes,
  parseCpu,
  parseGpu,
  QuantityError,
} from "./quantities.js";
export {
  type ClassSelection,
  findDefaultClass,
  findResourceClass,
  type ResourceClass,
  type ResourcePool,
  selectBestMatch,
  selectByClassId,
  selectDefault,
} from "./resource-classes.js";
export { assertSafeUsernameLength, serverName } from "./server-name.js";
export {
  type LegacyServerOptions,
  type ParsedServerOptions,
  parseServerOptions,
  type ResourceRequest,
  resolveStaticResources,
  serverOptionsResponse,
  serverOptionViolations,
} from "./server-options.js";
export type * from "./types.js";
export { configuredSessionUrl, sessionPath, sessionUrl } from "./url.js";
