/**
 * What a launch puts on either custom resource: its input, the labels and annotations every session
 * carries (section 3.3), the culling thresholds, the session container's resources and what the
 * container builders read. Pure.
 */
import type { User } from "../../auth/user.js";
import type { Config } from "../../config/schema.js";
import { validationError } from "../../errors.js";
import type {
  GitlabProject,
  GitlabUser,
  ImageCheck,
  LaunchRequest,
  ResolvedResources,
} from "../../sessions/types.js";
import { configuredSessionUrl } from "../../sessions/url.js";
import { fitLabelValue, isLabelValue } from "../../util/labels.js";
import { trimTrailingSlashes } from "../../util/trim.js";
import type { ContainerContext } from "./containers/context.js";
import type { ResourceList } from "./types.js";

export interface LaunchInput {
  config: Config;
  user: User;
  /** The registered caller's GitLab profile (e-mail and name for git and the pull secret). */
  gitlabUser?: GitlabUser | undefined;
  name: string;
  request: LaunchRequest;
  project: GitlabProject;
  image: ImageCheck;
  resources: ResolvedResources;
}

/** The annotations the service owns (section 3.3); serialisation keeps only these. */
export const ANNOTATION_KEYS = [
  "renku.io/commit-sha",
  "renku.io/gitlabProjectId",
  "renku.io/safe-username",
  "renku.io/username",
  "renku.io/userId",
  "renku.io/servername",
  "renku.io/branch",
  "renku.io/git-host",
  "renku.io/namespace",
  "renku.io/projectName",
  "renku.io/requested-image",
  "renku.io/repository",
  "renku.io/hibernation",
  "renku.io/hibernationBranch",
  "renku.io/hibernationCommitSha",
  "renku.io/hibernationDirty",
  "renku.io/hibernationSynchronized",
  "renku.io/hibernationDate",
  "renku.io/hibernatedSecondsThreshold",
  "renku.io/idleSecondsThreshold",
  "renku.io/lastActivityDate",
  "renku.io/resourceClassId",
] as const;

export const SAFE_USERNAME_LABEL = "renku.io/safe-username";
/** "registered" or "anonymous": part of ownership (issue 14), and how anonymous sessions are counted. */
export const USER_KIND_LABEL = "renku.io/user-kind";
export const ANONYMOUS_SELECTOR = `${USER_KIND_LABEL}=anonymous`;

/** The project's path slug (GitLab `path`), from path_with_namespace when not given. */
export function projectPath(project: GitlabProject): string {
  return project.path ?? project.path_with_namespace.split("/").pop() ?? "";
}

/** The culling thresholds in seconds: the user kind's settings, with the pool's overrides. */
export function culling(config: Config, user: User, resources: ResolvedResources) {
  const c =
    user.kind === "registered"
      ? config.sessions.culling.registered
      : config.sessions.culling.anonymous;
  return {
    idleSecondsThreshold: resources.idleThreshold ?? c.idle_seconds,
    maxAgeSecondsThreshold: c.max_age_seconds,
    hibernatedSecondsThreshold: resources.hibernationThreshold ?? c.hibernated_seconds,
    startingSecondsThreshold: c.pending_seconds,
    failedSecondsThreshold: c.failed_seconds,
  };
}

/** The session container's requests/limits: memory limited to the request, CPU by enforce_cpu_limits. */
export function containerResources(
  config: Config,
  resources: Pick<ResolvedResources, "cpu" | "memory" | "gpu">,
): { requests: ResourceList; limits: ResourceList } {
  const requests: ResourceList = { cpu: resources.cpu, memory: resources.memory };
  const limits: ResourceList = { memory: resources.memory };
  const mode = config.sessions.enforce_cpu_limits;
  if (mode === "lax") limits.cpu = resources.cpu * 3;
  else if (mode === "strict") limits.cpu = resources.cpu;
  if (resources.gpu > 0) {
    requests["nvidia.com/gpu"] = String(resources.gpu);
    limits["nvidia.com/gpu"] = String(resources.gpu);
  }
  return { requests, limits };
}

function gitHost(config: Config): string {
  return new URL(config.git.url).host;
}

/** Drops null values: Kubernetes label and annotation maps hold strings only. */
function strings(map: Record<string, string | null | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/**
 * Informational labels whose value is not a valid label value (an identity provider's `sub` may
 * hold any character) are left out rather than failing the launch; the annotation keeps the value.
 */
const optionalLabel = (value: string | null) =>
  value !== null && isLabelValue(value) ? value : null;

/** What the container builders read; `workspaceVolume` names the operator's workspace volume. */
export function launchContext(input: LaunchInput, workspaceVolume: string): ContainerContext {
  const { config, user, name, request, project, image, resources } = input;
  const path = projectPath(project);
  const rootDir = `${trimTrailingSlashes(image.workdir)}/work/${path}/`;
  return {
    config,
    user,
    gitlabUser: input.gitlabUser,
    name,
    request,
    project,
    image,
    resources,
    projectPath: path,
    notebookDir: trimTrailingSlashes(rootDir),
    sessionUrl: configuredSessionUrl(config, name),
    gitUrl: user.kind === "registered" ? user.gitUrl : config.git.url,
    workspaceVolume,
  };
}

/** The labels and annotations every session carries, whichever resource holds it (section 3.3). */
export function sessionMetadata(input: LaunchInput) {
  const { config, user, name, request, project, resources } = input;
  const cull = culling(config, user, resources);

  const labels = strings({
    app: "jupyter",
    component: "singleuser-server",
    // A SHA-256 commit (64 digits) is one too long for a label: cut by fitLabelValue's rule.
    "renku.io/commit-sha": fitLabelValue(request.commitSha),
    "renku.io/gitlabProjectId": String(project.id),
    [SAFE_USERNAME_LABEL]: user.safeUsername,
    [USER_KIND_LABEL]: user.kind,
    "renku.io/quota": optionalLabel(resources.priorityClass),
    "renku.io/userId": optionalLabel(user.id),
  });
  const annotations = strings({
    "renku.io/commit-sha": request.commitSha,
    "renku.io/gitlabProjectId": String(project.id),
    "renku.io/safe-username": user.safeUsername,
    "renku.io/username": user.username,
    "renku.io/userId": user.id,
    "renku.io/servername": name,
    "renku.io/branch": request.branch,
    "renku.io/git-host": gitHost(config),
    "renku.io/namespace": request.namespace.toLowerCase(),
    "renku.io/projectName": request.project.toLowerCase(),
    "renku.io/requested-image": request.requestedImage,
    "renku.io/repository": project.web_url,
    "renku.io/hibernation": "",
    "renku.io/hibernationBranch": "",
    "renku.io/hibernationCommitSha": "",
    "renku.io/hibernationDirty": "",
    "renku.io/hibernationSynchronized": "",
    "renku.io/hibernationDate": "",
    "renku.io/hibernatedSecondsThreshold": String(cull.hibernatedSecondsThreshold),
    "renku.io/idleSecondsThreshold": String(cull.idleSecondsThreshold),
    "renku.io/lastActivityDate": "",
    "renku.io/resourceClassId":
      resources.resourceClassId === null ? null : String(resources.resourceClassId),
  });
  return { labels, annotations };
}

/**
 * The API server refuses requests over about 3 MiB, which would be a 500 after every check had
 * passed. The request limits keep a resource far below this; the check makes it a 422 regardless.
 */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

export function assertManifestSize(manifest: object): void {
  const bytes = Buffer.byteLength(JSON.stringify(manifest));
  if (bytes > MAX_MANIFEST_BYTES) {
    throw validationError(
      `Field 'environment_variables' has errors: The session would be described by ${bytes} bytes, more than the ${MAX_MANIFEST_BYTES} allowed.`,
    );
  }
}
