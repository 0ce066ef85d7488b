/** The sessions domain: pure functions the endpoints wire to the GitLab, registry and k8s clients. */
export { filterServers, matchesFilters, type ServerFilters } from "./filters.js";
export {
  assertResourceClassChangeAllowed,
  type GitStatus,
  hibernateMergePatch,
  hibernationAnnotations,
  isHibernated,
  type PodTemplateSpec,
  RESOURCE_CLASS_CHANGE_MESSAGE,
  refreshedDockerConfigJson,
  resourceClassPatch,
  resumeMergePatch,
  statefulSetPriorityPatch,
  statefulSetTokenPatch,
} from "./hibernation.js";
export {
  commitImage,
  isOwnedBy,
  type LaunchResourceRequest,
  legacyQueryFor,
  logContainers,
  type MissingResources,
  missingResourcesError,
  ownerSelector,
  podName,
  resolveLaunchResources,
} from "./launch.js";
export {
  ANNOTATION_KEYS,
  buildManifest,
  buildPatches,
  containerResources,
  type ManifestInput,
  projectPath,
  SAFE_USERNAME_LABEL,
} from "./manifest.js";
export type { PatchContext } from "./patches/context.js";
export { dockerConfigJson, imagePullSecretName } from "./patches/jupyter-server.js";
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
  type PoolQuery,
  type ResourceClass,
  type ResourcePool,
  selectBestMatch,
  selectByClassId,
  selectDefault,
} from "./resource-classes.js";
export {
  type NotebookResponse,
  pythonIsoUtc,
  serializeServer,
  serializeServers,
  serverUrl,
  usingDefaultImage,
} from "./serialize.js";
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
export {
  type ApiStatus,
  exitCodeMessage,
  isAnonymousServer,
  type StatusStep,
  type StatusWarning,
  serverState,
  serverStatus,
  unschedulableMessage,
} from "./status.js";
export type * from "./types.js";
export { configuredSessionUrl, sessionPath, sessionUrl } from "./url.js";
