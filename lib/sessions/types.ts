/**
 * Structural input types of the sessions domain. Declared here (not imported from the GitLab,
 * registry or Kubernetes adapters) so this layer stays pure and the adapters stay free to grow.
 */

/** The GitLab project fields a launch needs. `accessLevel` is the caller's (0 when unknown). */
export interface GitlabProject {
  id: number;
  path_with_namespace: string;
  /** The project's path slug (last segment); derived from path_with_namespace when absent. */
  path?: string;
  http_url_to_repo: string;
  web_url: string;
  visibility: "public" | "internal" | "private";
  accessLevel: number;
}

/** The GitLab user of a registered caller (for git config and the pull secret). */
export interface GitlabUser {
  email?: string | null;
  name?: string | null;
}

/** The outcome of the image check (section 7): what the session will run. */
export interface ImageCheck {
  image: string;
  /** True when the image needed the user's GitLab token: the session gets a pull secret. */
  private: boolean;
  /** The image's WorkingDir, or the configured fallback. */
  workdir: string;
  /** True when the commit image was missing and the default image was taken instead (D6). */
  usedDefault: boolean;
}

/** The validated launch request (section 6.1) after parsing. */
export interface LaunchRequest {
  namespace: string;
  project: string;
  branch: string;
  commitSha: string;
  /** The image the caller asked for, if any (annotation renku.io/requested-image). */
  requestedImage: string | null;
  environmentVariables: Record<string, string>;
}

/** Compute resources and session options resolved from server options or a resource class. */
export interface ResolvedResources {
  /** CPU cores. */
  cpu: number;
  /** Memory in bytes. */
  memory: number;
  /** Storage in bytes. */
  storage: number;
  gpu: number;
  defaultUrl: string;
  lfsAutoFetch: boolean;
  /** Resource-pool quota id, used as the pod's priority class and the renku.io/quota label. */
  priorityClass: string | null;
  resourceClassId: number | null;
  /** Pool overrides of the culling thresholds (seconds), when the pool sets them. */
  idleThreshold?: number | null;
  hibernationThreshold?: number | null;
  /** Resource-class scheduling hints. */
  tolerations?: string[];
  nodeAffinities?: NodeAffinity[];
}

export interface NodeAffinity {
  key: string;
  required_during_scheduling: boolean;
}

export type StepStatus = "ready" | "waiting" | "executing" | "failed";
export type ServerState = "starting" | "running" | "stopping" | "failed" | "hibernated";
