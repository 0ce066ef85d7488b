/**
 * PATCH /servers/<name> on a JupyterServer (section 10): the merge patches of a hibernation and a
 * resume, and the JSON patches of a resource-class change and of the fresh tokens.
 */
import type { Config } from "../../config/schema.js";
import { userInputError } from "../../errors.js";
import { escapePointer, type JsonPatchOp } from "../../k8s/kube-client.js";
import type { ResolvedResources } from "../../sessions/types.js";
import {
  type EnvContainer,
  envTokenPatch,
  type GitStatus,
  hibernationAnnotations,
  RESOURCE_CLASS_CHANGE_MESSAGE,
  type TokenSource,
} from "../pod/hibernation.js";
import { containerResources } from "../pod/launch.js";
import type { JupyterServer } from "./types.js";

export function isHibernated(js: JupyterServer): boolean {
  return js.spec?.jupyterServer?.hibernated === true || js.status?.state === "hibernated";
}

/** Merge patch for the CR: `state: hibernated`. */
export function hibernateMergePatch(git: GitStatus | undefined, now: Date) {
  return {
    metadata: { annotations: hibernationAnnotations(git, now) },
    spec: { jupyterServer: { hibernated: true } },
  };
}

/** Merge patch for the CR: `state: running`. */
export function resumeMergePatch() {
  return { spec: { jupyterServer: { hibernated: false } } };
}

/** A resource class may change only while hibernated or failed (422 otherwise). */
export function assertResourceClassChangeAllowed(js: JupyterServer): void {
  if (isHibernated(js) || js.status?.state === "failed") return;
  throw userInputError(RESOURCE_CLASS_CHANGE_MESSAGE);
}

/** JSON patch of the CR for a new resource class: resources, class annotation, quota label. */
export function resourceClassPatch(
  js: JupyterServer,
  config: Config,
  resources: Pick<
    ResolvedResources,
    "cpu" | "memory" | "gpu" | "resourceClassId" | "priorityClass"
  >,
): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [
    {
      op: "replace",
      path: "/spec/jupyterServer/resources",
      value: containerResources(config, resources),
    },
  ];
  if (!js.metadata.annotations) ops.push({ op: "add", path: "/metadata/annotations", value: {} });
  ops.push({
    op: "add",
    path: `/metadata/annotations/${escapePointer("renku.io/resourceClassId")}`,
    value: String(resources.resourceClassId ?? ""),
  });
  const quotaPath = `/metadata/labels/${escapePointer("renku.io/quota")}`;
  if (resources.priorityClass) {
    if (!js.metadata.labels) ops.push({ op: "add", path: "/metadata/labels", value: {} });
    ops.push({ op: "add", path: quotaPath, value: resources.priorityClass });
  } else if (js.metadata.labels?.["renku.io/quota"] !== undefined) {
    ops.push({ op: "remove", path: quotaPath });
  }
  return ops;
}

/** JSON patch of the StatefulSet's priority class (the operator does not reconcile it). */
export function statefulSetPriorityPatch(
  priorityClass: string | null,
  current: string | undefined,
): JsonPatchOp[] {
  const path = "/spec/template/spec/priorityClassName";
  if (priorityClass) return [{ op: "add", path, value: priorityClass }];
  return current === undefined ? [] : [{ op: "remove", path }];
}

export interface PodTemplateSpec {
  containers?: EnvContainer[] | null;
  initContainers?: EnvContainer[] | null;
}

/**
 * JSON patch of the StatefulSet re-injecting fresh tokens on resume. Each replace is guarded by a
 * `test` of the variable's name so a concurrently changed template fails instead of corrupting env.
 */
export function statefulSetTokenPatch(spec: PodTemplateSpec, user: TokenSource): JsonPatchOp[] {
  return envTokenPatch(
    [
      ["/spec/template/spec/containers", spec.containers],
      ["/spec/template/spec/initContainers", spec.initContainers],
    ],
    user,
  );
}
