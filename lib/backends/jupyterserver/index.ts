/** The JupyterServer backend: the only code that knows the custom resource's shape. */

export { eventSources, stepOfEvent } from "./events.js";
export {
  assertResourceClassChangeAllowed,
  hibernateMergePatch,
  isHibernated,
  type PodTemplateSpec,
  refreshedDockerConfigJson,
  resourceClassPatch,
  resumeMergePatch,
  statefulSetPriorityPatch,
  statefulSetTokenPatch,
} from "./hibernation.js";
export { buildManifest } from "./manifest.js";
export { isOwnedBy, logContainers, podName } from "./ownership.js";
export { imagePullSecretName } from "./patches/jupyter-server.js";
export {
  type NotebookResponse,
  serializeServer,
  serializeServers,
} from "./serialize.js";
export type * from "./types.js";
export { toSessionView } from "./view.js";
