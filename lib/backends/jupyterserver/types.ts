/**
 * The JupyterServer custom resource (amalthea.dev/v1alpha1) as this service reads and writes it,
 * and the patches it carries. Only lib/backends/jupyterserver/ knows this shape.
 */
import type { JsonPatchOp, ServerState, StepStatus } from "../../sessions/types.js";

export type { ServerState };

export interface AmaltheaPatch {
  type: "application/json-patch+json" | "application/merge-patch+json";
  patch: JsonPatchOp[] | Record<string, unknown>;
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

/** What the operator writes on the custom resource (amalthea.md A.5). */
export interface JupyterServerStatus {
  state?: ServerState;
  startingSince?: string;
  failedSince?: string | null;
  containerStates?: {
    init?: Record<string, StepStatus>;
    regular?: Record<string, StepStatus>;
  };
  mainPod?: {
    name?: string;
    status?: PodStatus;
    resourceUsage?: {
      cpuMillicores?: number | null;
      memoryBytes?: number | null;
      disk?: {
        usedBytes?: number | null;
        availableBytes?: number | null;
        totalBytes?: number | null;
      };
    };
  };
  events?: Record<string, { message?: string | null; timestamp?: string | null } | null>;
  /** Amalthea 0.8 idle counter. */
  idleSeconds?: number;
  [key: string]: unknown;
}

export interface ResourceList {
  cpu?: number | string;
  memory?: number | string;
  "nvidia.com/gpu"?: number | string;
  [key: string]: number | string | undefined;
}

export interface JupyterServerSpec {
  auth: {
    token: string;
    oidc: {
      enabled: boolean;
      clientId?: string;
      clientSecret?: { value: string } | { secretKeyRef: { name: string; key: string } };
      issuerUrl?: string;
      authorizedEmails?: string[];
    };
  };
  culling: {
    idleSecondsThreshold: number;
    maxAgeSecondsThreshold: number;
    hibernatedSecondsThreshold?: number;
    startingSecondsThreshold?: number;
    failedSecondsThreshold?: number;
  };
  jupyterServer: {
    image: string;
    defaultUrl: string;
    rootDir: string;
    resources: { requests: ResourceList; limits?: ResourceList };
    hibernated?: boolean;
  };
  routing: {
    host: string;
    path: string;
    ingressAnnotations: Record<string, string>;
    tls: { enabled: boolean; secretName?: string };
  };
  storage: {
    size: number | string;
    pvc: { enabled: boolean; storageClassName?: string; mountPath: string };
  };
  patches: AmaltheaPatch[];
}

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

/** The JupyterServer custom resource as this service reads and writes it. */
export interface JupyterServer {
  apiVersion: string;
  kind: "JupyterServer";
  metadata: CustomResourceMeta;
  spec: JupyterServerSpec;
  status?: JupyterServerStatus;
}
