/**
 * The JupyterServer custom resource a launch creates (section 4). Pure: built from the caller,
 * the checked project and image, and the resolved resources. The result holds tokens (env of
 * git-proxy and git-clone, the pull secret): never log it.
 */
import type { User } from "../../auth/user.js";
import type { Config } from "../../config.js";
import { validationError } from "../../errors.js";
import { fitLabelValue, isLabelValue } from "../../k8s/labels.js";
import type {
  GitlabProject,
  GitlabUser,
  ImageCheck,
  LaunchRequest,
  ResolvedResources,
} from "../../sessions/types.js";
import { configuredSessionUrl, sessionPath } from "../../sessions/url.js";
import { trimTrailingSlashes } from "../../trim.js";
import type { PatchContext } from "./patches/context.js";
import * as general from "./patches/general.js";
import * as gitProxy from "./patches/git-proxy.js";
import * as gitSidecar from "./patches/git-sidecar.js";
import * as init from "./patches/init-containers.js";
import * as jupyter from "./patches/jupyter-server.js";
import type { AmaltheaPatch, JupyterServer, JupyterServerSpec, ResourceList } from "./types.js";

export interface ManifestInput {
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

/** Container 0's requests/limits: memory limited to the request, CPU by enforce_cpu_limits. */
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

/** The patches in the order of the table in section 4 (cloud storage, SSH, user secrets off: D13). */
export function buildPatches(ctx: PatchContext): AmaltheaPatch[] {
  return [
    ...general.testContainerOrder(ctx),
    ...general.tolerations(ctx),
    ...general.affinity(ctx),
    ...general.nodeSelector(ctx),
    ...general.terminationGracePeriod(ctx),
    ...general.priorityClass(ctx),
    ...jupyter.args(),
    ...jupyter.env(ctx),
    ...jupyter.imagePullSecret(ctx),
    ...jupyter.disableServiceLinks(),
    ...jupyter.renviron(ctx),
    ...gitProxy.gitProxy(ctx),
    ...gitSidecar.gitSidecar(ctx),
    ...gitSidecar.oidcUnverifiedEmail(ctx),
    ...init.initCertificates(ctx),
    ...init.downloadImage(ctx),
    ...init.gitClone(ctx),
    ...init.proxyCertificates(ctx),
  ];
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
export function launchContext(input: ManifestInput, workspaceVolume: string): PatchContext {
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
export function sessionMetadata(input: ManifestInput) {
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

export function buildManifest(input: ManifestInput): JupyterServer {
  const { config, user, name, image, resources } = input;
  const workdir = trimTrailingSlashes(image.workdir);
  const ctx = launchContext(input, "workspace");
  const rootDir = `${ctx.notebookDir}/`;
  const cull = culling(config, user, resources);
  const { labels, annotations } = sessionMetadata(input);

  const auth: JupyterServerSpec["auth"] =
    user.kind === "registered"
      ? {
          token: "",
          oidc: {
            enabled: true,
            clientId: config.sessions.oidc.client_id,
            clientSecret: { value: config.sessions.oidc.client_secret },
            issuerUrl: user.issuer ?? "",
            authorizedEmails: user.email ? [user.email] : [],
          },
        }
      : { token: user.id, oidc: { enabled: false } };

  const storageCfg = config.sessions.storage;
  const mountPath = `${workdir}/work`;
  const storage: JupyterServerSpec["storage"] = storageCfg.pvs_enabled
    ? {
        size: resources.storage,
        pvc: {
          enabled: true,
          mountPath,
          ...(storageCfg.pvs_storage_class
            ? { storageClassName: storageCfg.pvs_storage_class }
            : {}),
        },
      }
    : {
        size: storageCfg.use_empty_dir_size_limit ? resources.storage : "",
        pvc: { enabled: false, mountPath },
      };

  const tlsSecret = config.sessions.ingress.tls_secret;
  const manifest: JupyterServer = {
    apiVersion: `${config.amalthea.group}/${config.amalthea.version}`,
    kind: "JupyterServer",
    metadata: { name, namespace: config.k8s.namespace, labels, annotations },
    spec: {
      auth,
      culling: cull,
      jupyterServer: {
        image: image.image,
        defaultUrl: resources.defaultUrl,
        rootDir,
        resources: containerResources(config, resources),
      },
      routing: {
        host: config.sessions.ingress.host,
        path: sessionPath(name),
        ingressAnnotations: config.sessions.ingress.annotations,
        tls: tlsSecret ? { enabled: true, secretName: tlsSecret } : { enabled: false },
      },
      storage,
      patches: buildPatches(ctx),
    },
  };
  assertManifestSize(manifest);
  return manifest;
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
