/** The sessions domain: pure functions the endpoints wire to the GitLab, registry and k8s clients. */
export {
  filterServers,
  matchesFilters,
  type ServerFilters,
} from "../backends/jupyterserver/filters.js";
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
} from "../backends/jupyterserver/hibernation.js";
export {
  ANNOTATION_KEYS,
  buildManifest,
  buildPatches,
  containerResources,
  type ManifestInput,
  projectPath,
  SAFE_USERNAME_LABEL,
} from "../backends/jupyterserver/manifest.js";
export type { PatchContext } from "../backends/jupyterserver/patches/context.js";
export {
  dockerConfigJson,
  imagePullSecretName,
} from "../backends/jupyterserver/patches/jupyter-server.js";
export {
  type NotebookResponse,
  pythonIsoUtc,
  serializeServer,
  serializeServers,
  serverUrl,
  usingDefaultImage,
} from "../backends/jupyterserver/serialize.js";
export {
  type ApiStatus,
  exitCodeMessage,
  isAnonymousServer,
  type StatusStep,
  type StatusWarning,
  serverState,
  serverStatus,
  unschedulableMessage,
} from "../backends/jupyterserver/status.js";
export {
  commitImage,
  isOwnedBy,
  type LaunchResourceRequest,
  logContainers,
  type MissingResources,
  missingResourcesError,
  ownerSelector,
  podName,
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
