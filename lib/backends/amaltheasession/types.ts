/**
 * The AmaltheaSession custom resource (amalthea.dev/v1alpha1, Amalthea 0.25 to 0.31) as this
 * service writes and reads it: the fields it sets and the status it maps (amaltheasession.md §2, §4).
 * Only lib/backends/amaltheasession/ knows this shape.
 */
import type { V1Pod } from "@kubernetes/client-node/dist/gen/index.js";
import type { StatusWarning } from "../pod/status.js";
import type { CustomResourceMeta, ResourceList } from "../pod/types.js";

export type AmsState =
  | "Running"
  | "Failed"
  | "Hibernated"
  | "NotReady"
  | "RunningDegraded"
  | "Succeeded";

export interface SecretRef {
  name: string;
  key?: string;
  adopt?: boolean;
}

/** Core Container/Volume objects as the service builds them (the API server checks the rest). */
export type Container = {
  name: string;
  env?: { name: string; value?: string }[];
} & Record<string, unknown>;
export type Volume = { name: string } & Record<string, unknown>;

export interface AmaltheaSessionSpec {
  hibernated: boolean;
  reconcileStrategy?: "never" | "always" | "whenFailedOrHibernated";
  priorityClassName?: string;
  imagePullSecrets?: SecretRef[];
  session: {
    image: string;
    args?: string[];
    env?: { name: string; value: string }[];
    resources?: { requests?: ResourceList; limits?: ResourceList };
    port?: number;
    urlPath?: string;
    workingDir?: string;
    runAsUser?: number;
    runAsGroup?: number;
    storage?: { className?: string; size?: string | number; mountPath?: string };
    extraVolumeMounts?: Record<string, unknown>[];
    readinessProbe?: { type: "none" | "tcp" | "http" };
    shmSize?: string;
  };
  ingress?: {
    host: string;
    pathPrefix?: string;
    ingressClassName?: string;
    annotations?: Record<string, string>;
    tlsSecret?: SecretRef;
    assumeHttps?: boolean;
  };
  authentication?: {
    enabled?: boolean;
    type: "token" | "oauth2proxy" | "oidc";
    secretRef: SecretRef;
    extraVolumeMounts?: Record<string, unknown>[];
  };
  /** Go durations such as "86400s"; the operator writes them back as "24h0m0s". */
  culling?: {
    maxAge?: string;
    maxIdleDuration?: string;
    maxStartingDuration?: string;
    maxFailedDuration?: string;
    maxHibernatedDuration?: string;
    lastInteraction?: string;
  };
  initContainers?: Container[];
  extraContainers?: Container[];
  extraVolumes?: Volume[];
  nodeSelector?: Record<string, string>;
  affinity?: Record<string, unknown>;
  tolerations?: Record<string, unknown>[];
  template?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  };
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface AmaltheaSessionStatus {
  state?: AmsState;
  url?: string;
  error?: string;
  conditions?: Condition[];
  containerCounts?: { ready?: number; total?: number };
  initContainerCounts?: { ready?: number; total?: number };
  idle?: boolean;
  idleSince?: string;
  failingSince?: string;
  hibernatedSince?: string;
  willHibernateAt?: string;
  runID?: string;
}

export interface AmaltheaSession {
  apiVersion: string;
  kind: "AmaltheaSession";
  metadata: CustomResourceMeta;
  spec: AmaltheaSessionSpec;
  status?: AmaltheaSessionStatus;
}

/** What the backend hands out: the resource and its pod (absent while hibernated or starting). */
export interface AmsView {
  cr: AmaltheaSession;
  pod: V1Pod | undefined;
  /** The pod was not read: the CR says Running (all containers ready) or hibernated (no pod). */
  podSkipped?: boolean;
  /** Why a starting session without a pod will get none (lib/backends/pod/refusal.ts). */
  refusal?: StatusWarning | undefined;
}
