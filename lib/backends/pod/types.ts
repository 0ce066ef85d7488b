/**
 * The shapes both custom resources share: their metadata, the resource lists of their containers
 * and the pod status the status steps read.
 */

/** The metadata of a session's custom resource (either kind) as this service reads and writes it. */
export interface CustomResourceMeta {
  name: string;
  namespace?: string;
  uid?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  resourceVersion?: string;
  labels: Record<string, string | null>;
  annotations: Record<string, string | null>;
}

export interface ResourceList {
  cpu?: number | string;
  memory?: number | string;
  "nvidia.com/gpu"?: number | string;
  [key: string]: number | string | undefined;
}

export interface ContainerStateInfo {
  running?: { startedAt?: string } | null;
  waiting?: { reason?: string; message?: string } | null;
  terminated?: { exitCode?: number; reason?: string; message?: string } | null;
}

export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: ContainerStateInfo | null;
  lastState?: ContainerStateInfo | null;
}

export interface PodCondition {
  type: string;
  status: string;
  reason?: string | null;
  message?: string | null;
  lastTransitionTime?: string | null;
  lastProbeTime?: string | null;
}

export interface PodStatus {
  phase?: string;
  conditions?: PodCondition[] | null;
  containerStatuses?: ContainerStatus[] | null;
  initContainerStatuses?: ContainerStatus[] | null;
}
