/** The JupyterServer backend: the only code that knows the custom resource's shape. */
export {
  filterServers,
  matchesFilters,
  type ServerFilters,
} from "./filters.js";
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
  ANNOTATION_KEYS,
  buildManifest,
  buildPatches,
  containerResources,
  type ManifestInput,
  projectPath,
  SAFE_USERNAME_LABEL,
} from "./manifest.js";
export { isOwnedBy, logContainers, ownerSelector, podName } from "./ownership.js";
export type { PatchContext } from "./patches/context.js";
export {
  dockerConfigJson,
  imagePullSecretName,
} from "./patches/jupyter-server.js";
export {
  type NotebookResponse,
  pythonIsoUtc,
  serializeServer,
  serializeServers,
  serverUrl,
  usingDefaultImage,
} from "./serialize.js";
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
