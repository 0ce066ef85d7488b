/**
 * The JupyterServer custom resource (amalthea.dev/v1alpha1) as this service reads and writes it,
 * and the patches it carries. Only lib/backends/jupyterserver/ knows this shape; what both
 * resources share is in lib/backends/pod/types.ts.
 */
import type { JsonPatchOp } from "../../k8s/kube-client.js";
import type { ServerState, StepStatus } from "../../sessions/types.js";
import type { CustomResourceMeta, PodStatus, ResourceList } from "../pod/types.js";

export type { ServerState };

export interface AmaltheaPatch {
  type: "application/json-patch+json" | "application/merge-patch+json";
  patch: JsonPatchOp[] | Record<string, unknown>;
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

/** The JupyterServer custom resource as this service reads and writes it. */
export interface JupyterServer {
  apiVersion: string;
  kind: "JupyterServer";
  metadata: CustomResourceMeta;
  spec: JupyterServerSpec;
  status?: JupyterServerStatus;
}
