/**
 * The AmaltheaSession and Secrets renku-data-services creates for a v2 launch (core_sessions.py
 * start_session; amaltheasession.md 6.1-6.3), so that either implementation lists, stops and
 * resumes the other's sessions: same name, labels, annotations, auth Secret, containers and env.
 * Differences, on purpose: the git proxy runs in its Keycloak mode (the caller's access and
 * refresh tokens and the Keycloak client, docs/v2.md) because data-services' internal-token secret
 * is its own; no git providers (OAuth2 connections) are read, so repositories carry provider null.
 */
import { randomBytes } from "node:crypto";
import type { V1Secret } from "@kubernetes/client-node/dist/gen/index.js";
import type { V2Caller, V2Registered } from "../../auth/v2-caller.js";
import type { Config } from "../../config/schema.js";
import type {
  Launcher,
  Project,
  ResourceClass,
  ResourcePool,
} from "../../data-services/schemas.js";
import { trimTrailingSlashes } from "../../util/trim.js";
import { DOCKER_CONFIG_KEY, dockerConfigJson } from "../pod/pull-secret.js";
import type { AmaltheaSession, Container, Volume } from "./types.js";

/** A setting a v2 session needs is missing (the route answers 500 code 1500 with the message). */
export class V2ConfigurationError extends Error {}

export interface V2LaunchPlan {
  name: string;
  caller: V2Caller;
  launcher: Launcher;
  project: Project;
  pool: ResourcePool;
  resourceClass: ResourceClass;
  diskStorage: number;
  /** The image's own working directory, when the registry told it. */
  imageWorkdir: string | undefined;
  envOverrides: { name: string; value: string }[];
  /**
   * A private image of the GitLab registry that the caller's GitLab token can pull: the session
   * gets data-services' pull secret for it (`<name>-image-secret-v1`, adopted).
   */
  registryPull?: { registry: string; gitlabToken: string } | undefined;
}

type Env = { name: string; value?: string };
type Named = Record<string, unknown> & { name: string };
type NamedSecret = V1Secret & { metadata: { name: string } };

/** Go's duration text as kubernetes' format_duration writes a whole number of seconds. */
export function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const text = `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}`;
  return text || "0s";
}

/** data-services' get_mount_work_dir: where the volume mounts and where the session starts. */
export function mountAndWorkDir(
  launcher: Launcher,
  imageWorkdir: string | undefined,
): { mount: string; work: string } {
  const env = launcher.environment;
  let work = env.working_directory || imageWorkdir || "/home/jovyan/work";
  let mount = env.mount_directory || work;
  if (mount === "/") mount = "/work";
  const inside = (child: string, parent: string) =>
    parent === "/" || child === parent || child.startsWith(`${trimTrailingSlashes(parent)}/`);
  if (!inside(work, mount)) work = mount;
  return { mount, work };
}

const json = (value: unknown) =>
  // Python's json.dumps separators: ", " and ": ".
  JSON.stringify(value).replace(/","/g, '", "').replace(/":/g, '": ').replace(/,"/g, ', "');

const repositories = (project: Project) =>
  (project.repositories ?? []).map((url) => ({
    url,
    provider: null,
    dirname: null,
    branch: null,
    commit_sha: null,
  }));

const tomlValue = (v: string | boolean) => (typeof v === "boolean" ? String(v) : JSON.stringify(v));
const toml = (entries: Record<string, string | boolean>) =>
  Object.entries(entries)
    .map(([k, v]) => `${k} = ${tomlValue(v)}`)
    .join("\n");

function certificateMounts(config: Config, readOnlyEtc: boolean, custom: boolean): Named[] {
  return [
    { name: "etc-ssl-certs", mountPath: "/etc/ssl/certs/", readOnly: readOnlyEtc },
    ...(custom
      ? [{ name: "custom-ca-certs", mountPath: config.sessions.ca_certs.path, readOnly: true }]
      : []),
  ];
}

const SECURITY = (uid: number, gid: number) => ({
  allowPrivilegeEscalation: false,
  runAsGroup: gid,
  runAsUser: uid,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
});

function certificatesInit(config: Config): { container: Container; volumes: Volume[] } {
  const sources = config.sessions.ca_certs.secrets
    .map((s) => (s as { secret?: unknown }).secret)
    .filter((s): s is string => typeof s === "string")
    .map((name) => ({ secret: { name } }));
  return {
    container: {
      name: "init-certificates",
      image: config.data_services.certificates_image,
      volumeMounts: certificateMounts(config, false, true),
      securityContext: SECURITY(1000, 1000),
      resources: { requests: { cpu: "50m", memory: "50Mi" } },
    },
    volumes: [
      { name: "etc-ssl-certs", emptyDir: { medium: "Memory" } },
      { name: "custom-ca-certs", projected: { defaultMode: 440, sources } },
    ],
  };
}

/** str() of a Python float: 0 -> "0.0". */
const pythonFloat = (x: number) => (Number.isInteger(x) ? `${x}.0` : String(x));

const fullName = (u: V2Registered) =>
  u.fullName ?? ([u.firstName, u.lastName].filter(Boolean).join(" ") || undefined);

/** The git-clone init container (renku/git-clone >= 1.24, docs/images-v2.md), or none. */
export function gitCloneInit(
  config: Config,
  caller: V2Caller,
  project: Project,
  mount: string,
  work: string,
  uid: number,
  gid: number,
): Container | undefined {
  const repos = repositories(project);
  if (repos.length === 0) return undefined;
  const sentry = config.sessions.git_clone.sentry;
  const registered = caller.kind === "registered" ? caller : undefined;
  const env: Env[] = [
    { name: "GIT_CLONE_MOUNT_PATH", value: work },
    { name: "GIT_CLONE_LFS_AUTO_FETCH", value: "0" },
    // data-services writes str(None) for anonymous callers; the image treats both as anonymous.
    { name: "GIT_CLONE_USER__USERNAME", ...(registered ? { value: registered.email } : {}) },
    { name: "GIT_CLONE_USER__RENKU_TOKEN", value: registered?.accessToken ?? "None" },
    { name: "GIT_CLONE_IS_GIT_PROXY_ENABLED", value: registered ? "1" : "0" },
    { name: "GIT_CLONE_SENTRY__ENABLED", value: String(sentry.enabled) },
    { name: "GIT_CLONE_SENTRY__DSN", value: sentry.dsn },
    { name: "GIT_CLONE_SENTRY__ENVIRONMENT", value: sentry.environment },
    { name: "GIT_CLONE_SENTRY__SAMPLE_RATE", value: pythonFloat(sentry.sample_rate) },
    { name: "SENTRY_RELEASE" },
    { name: "REQUESTS_CA_BUNDLE", value: "/etc/ssl/certs/ca-certificates.crt" },
    { name: "SSL_CERT_FILE", value: "/etc/ssl/certs/ca-certificates.crt" },
  ];
  if (registered) {
    env.push({
      name: "GIT_CLONE_GIT_PROXY_PORT",
      value: String(config.data_services.git_proxy_port),
    });
    env.push({ name: "GIT_CLONE_USER__EMAIL", value: registered.email });
    const name = fullName(registered);
    if (name) env.push({ name: "GIT_CLONE_USER__FULL_NAME", value: name });
  }
  repos.forEach((repo, i) => {
    env.push({ name: `GIT_CLONE_REPOSITORIES_${i}_`, value: json(repo) });
  });
  return {
    image: config.data_services.git_clone_image,
    name: "git-clone",
    resources: { requests: { cpu: "100m", memory: "100Mi" } },
    securityContext: SECURITY(uid, gid),
    volumeMounts: [
      { mountPath: mount, name: "amalthea-volume" },
      ...certificateMounts(config, true, false),
    ],
    env,
  };
}

/** The git proxy (registered callers with repositories and a refresh token), in Keycloak mode. */
export function gitProxy(
  config: Config,
  caller: V2Caller,
  project: Project,
): Container | undefined {
  const repos = repositories(project);
  if (caller.kind !== "registered" || repos.length === 0 || !caller.refreshToken) return undefined;
  if (!config.sessions.git_proxy.renku_client_secret)
    // The proxy (Keycloak mode) would crash at start-up without it: say so instead.
    throw new V2ConfigurationError(
      "NB_SESSIONS__GIT_PROXY__RENKU_CLIENT_SECRET is not set: the git proxy of a session refreshes the caller's tokens with that Keycloak client.",
    );
  const host = config.sessions.ingress.host;
  const health = config.data_services.git_proxy_health_port;
  const probe = { httpGet: { path: "/health", port: health }, initialDelaySeconds: 3 };
  return {
    image: config.data_services.git_proxy_image,
    name: "git-proxy",
    env: [
      { name: "GIT_PROXY_PORT", value: String(config.data_services.git_proxy_port) },
      { name: "GIT_PROXY_HEALTH_PORT", value: String(health) },
      { name: "GIT_PROXY_ANONYMOUS_SESSION", value: "false" },
      { name: "GIT_PROXY_RENKU_URL", value: config.renku_url ?? `https://${host}` },
      { name: "GIT_PROXY_REPOSITORIES", value: json(repos) },
      { name: "GIT_PROXY_PROVIDERS", value: "[]" },
      { name: "GIT_PROXY_RENKU_ACCESS_TOKEN", value: caller.accessToken },
      { name: "GIT_PROXY_RENKU_REFRESH_TOKEN", value: caller.refreshToken },
      { name: "GIT_PROXY_RENKU_REALM", value: config.keycloak_realm },
      { name: "GIT_PROXY_RENKU_CLIENT_ID", value: config.sessions.git_proxy.renku_client_id },
      {
        name: "GIT_PROXY_RENKU_CLIENT_SECRET",
        value: config.sessions.git_proxy.renku_client_secret,
      },
      { name: "GIT_PROXY_REFRESH_CHECK_PERIOD_SECONDS", value: "60" },
    ],
    securityContext: SECURITY(1000, 1000),
    livenessProbe: probe,
    readinessProbe: probe,
    volumeMounts: certificateMounts(config, true, false),
    resources: { requests: { memory: "16Mi", cpu: "50m" } },
  };
}

/** Where the session is served: `/sessions/<name>` on the sessions host. */
export function sessionUrl(config: Config, name: string) {
  const path = `/sessions/${name}`;
  return {
    path,
    url: `${config.sessions.ingress.scheme}://${config.sessions.ingress.host}${path}`,
  };
}

function authSecret(
  config: Config,
  plan: V2LaunchPlan,
  url: string,
  path: string,
): Record<string, string> {
  const { caller } = plan;
  if (caller.kind === "registered") {
    const auth = toml({
      provider: "oidc",
      client_id: config.sessions.oidc.client_id,
      oidc_issuer_url: caller.issuer ?? config.auth.issuer ?? "",
      session_cookie_minimal: true,
      skip_provider_button: true,
      redirect_url: `${url}/oauth2/callback`,
      cookie_path: path,
      proxy_prefix: `${path}/oauth2`,
      authenticated_emails_file: "/authorized_emails",
      client_secret: config.sessions.oidc.client_secret,
      cookie_secret: randomBytes(32).toString("base64url").padEnd(44, "="),
      insecure_oidc_allow_unverified_email: config.sessions.oidc.allow_unverified_email,
    });
    return { auth, authorized_emails: caller.email };
  }
  const token = JSON.stringify(caller.sessionCookie ?? "");
  return { auth: `authproxy:\n  cookie_key: _renku_session\n  token: ${token}\n  verbose: true\n` };
}

function culling(config: Config, caller: V2Caller, pool: ResourcePool) {
  const registered = config.sessions.culling.registered;
  const anonymous = caller.kind === "anonymous";
  const hibernated = anonymous ? 1 : (pool.hibernation_threshold ?? registered.hibernated_seconds);
  const idle =
    pool.idle_threshold ??
    (anonymous ? config.sessions.culling.anonymous.idle_seconds : registered.idle_seconds);
  return {
    maxAge: goDuration(registered.max_age_seconds),
    maxFailedDuration: goDuration(registered.failed_seconds),
    maxHibernatedDuration: goDuration(hibernated),
    maxIdleDuration: goDuration(idle),
    maxStartingDuration: goDuration(registered.pending_seconds),
  };
}

/** requests/limits of a class: cpu in millicores, memory in Gi, GPUs in both, cpu limit by factor. */
export function classResources(rc: ResourceClass, cpuLimitFactor: number | null | undefined) {
  const requests: Record<string, string | number> = {
    cpu: `${Math.round(rc.cpu * 1000)}m`,
    memory: `${rc.memory}Gi`,
  };
  const limits: Record<string, string | number> = { memory: `${rc.memory}Gi` };
  if (rc.gpu > 0) {
    requests["nvidia.com/gpu"] = rc.gpu;
    limits["nvidia.com/gpu"] = rc.gpu;
  }
  if (cpuLimitFactor != null && cpuLimitFactor >= 1)
    limits.cpu = `${Math.round(rc.cpu * cpuLimitFactor * 1000)}m`;
  return { requests, limits };
}

export const classTolerations = (rc: ResourceClass) =>
  (rc.tolerations ?? []).map((key) => ({ key, operator: "Exists" }));

export function classAffinity(rc: ResourceClass): Record<string, unknown> {
  const expr = (required: boolean) =>
    (rc.node_affinities ?? [])
      .filter((a) => (a.required_during_scheduling ?? false) === required)
      .map((a) => ({ key: a.key, operator: "Exists" }));
  const nodeAffinity: Record<string, unknown> = {};
  const required = expr(true);
  const preferred = expr(false);
  if (required.length)
    nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
      nodeSelectorTerms: [{ matchExpressions: required }],
    };
  if (preferred.length)
    nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution = [
      { weight: 1, preference: { matchExpressions: preferred } },
    ];
  return { nodeAffinity };
}

/** The launcher's env vars, values overridden by the request's (names already checked). */
function launcherEnv(plan: V2LaunchPlan): Env[] {
  const overrides = new Map(plan.envOverrides.map((o) => [o.name, o.value]));
  return (plan.launcher.env_variables ?? []).map((v) => {
    const value = overrides.has(v.name) ? overrides.get(v.name) : (v.value ?? undefined);
    return value === undefined ? { name: v.name } : { name: v.name, value };
  });
}

export function v2Labels(caller: V2Caller): Record<string, string> {
  return {
    "renku.io/safe-username": caller.id,
    "renku.io/session-type": "interactive",
    ...(caller.kind === "anonymous" ? { "renku.io/anonymous-session": "true" } : {}),
  };
}

export function buildV2Session(
  config: Config,
  namespace: string,
  plan: V2LaunchPlan,
): { session: AmaltheaSession; secrets: NamedSecret[] } {
  const { name, caller, launcher, project, pool, resourceClass: rc } = plan;
  const environment = launcher.environment;
  const { mount, work } = mountAndWorkDir(launcher, plan.imageWorkdir);
  const { path, url } = sessionUrl(config, name);
  const uid = environment.uid ?? 1000;
  const gid = environment.gid ?? 1000;
  const port = environment.port ?? 8888;
  const defaultUrl = (environment.default_url ?? "/").replace(/^\/+/, "");

  const certs = certificatesInit(config);
  const clone = gitCloneInit(config, caller, project, mount, work, uid, gid);
  const proxy = gitProxy(config, caller, project);
  const secretData = authSecret(config, plan, url, path);
  const volumes: Volume[] = [...certs.volumes];
  const authMounts: Named[] = [];
  if (caller.kind === "registered") {
    volumes.push({
      name: "renku-authorized-emails",
      secret: {
        secretName: name,
        items: [{ key: "authorized_emails", path: "authorized_emails" }],
      },
    });
    authMounts.push({
      name: "renku-authorized-emails",
      mountPath: "/authorized_emails",
      subPath: "authorized_emails",
    });
  }
  authMounts.push(...certificateMounts(config, true, true));

  const annotations = {
    "renku.io/project_id": launcher.project_id,
    "renku.io/launcher_id": launcher.id,
    "renku.io/resource_class_id": String(rc.id),
    "renku.io/resource_pool_id": String(pool.id),
  };
  const labels = v2Labels(caller);
  const env: Env[] = [
    { name: "RENKU_MOUNT_DIR", value: mount },
    { name: "RENKU_WORKING_DIR", value: work },
    { name: "RENKU_SECRETS_PATH", value: project.secrets_mount_directory ?? "/secrets" },
    { name: "RENKU_PROJECT_ID", value: project.id },
    { name: "RENKU_PROJECT_PATH", value: `${project.namespace}/${project.slug}` },
    { name: "RENKU_LAUNCHER_ID", value: launcher.id },
    { name: "CNB_APP_DIR", value: work },
    { name: "RENKU_BASE_URL_PATH", value: path },
    { name: "RENKU_BASE_URL", value: url },
    { name: "RENKU_SESSION_IP", value: "0.0.0.0" },
    { name: "RENKU_SESSION_PORT", value: String(port) },
    { name: "RENKU_SESSION", value: "1" },
    ...launcherEnv(plan),
  ];
  const ingress = config.sessions.ingress;
  const quota = pool.quota?.id;
  const pull = plan.registryPull && v2PullSecret(name, namespace, caller, plan.registryPull);
  const session: AmaltheaSession = {
    apiVersion: "amalthea.dev/v1alpha1",
    kind: "AmaltheaSession",
    metadata: { name, namespace, labels, annotations },
    spec: {
      location: "local",
      imagePullSecrets: pull ? [{ name: pull.metadata.name, adopt: true }] : [],
      codeRepositories: [],
      hibernated: false,
      reconcileStrategy: "whenFailedOrHibernated",
      ...(quota ? { priorityClassName: quota } : {}),
      sessionType: "Interactive",
      session: {
        image: environment.container_image,
        imagePullPolicy: "Always",
        urlPath: `${path}/${defaultUrl}`,
        port,
        storage: {
          ...(config.sessions.storage.pvs_storage_class
            ? { className: config.sessions.storage.pvs_storage_class }
            : {}),
          size: `${plan.diskStorage}G`,
          mountPath: mount,
        },
        workingDir: work,
        runAsUser: uid,
        runAsGroup: gid,
        resources: classResources(rc, pool.cpu_limit_factor),
        extraVolumeMounts: [],
        ...(environment.command ? { command: environment.command } : {}),
        ...(environment.args ? { args: environment.args } : {}),
        shmSize: "1G",
        stripURLPath: environment.strip_path_prefix ?? false,
        env,
        readinessProbe: { type: "tcp" },
      },
      ingress: {
        annotations: ingress.annotations,
        host: ingress.host,
        ...(ingress.annotations["kubernetes.io/ingress.class"]
          ? { ingressClassName: ingress.annotations["kubernetes.io/ingress.class"] }
          : {}),
        pathPrefix: path,
        ...(ingress.tls_secret && ingress.scheme === "https"
          ? { tlsSecret: { adopt: false, name: ingress.tls_secret } }
          : {}),
        useDefaultClusterTLSCert: false,
      },
      extraContainers: proxy ? [proxy] : [],
      initContainers: [certs.container, ...(clone ? [clone] : [])],
      extraVolumes: volumes,
      culling: culling(config, caller, pool),
      authentication: {
        enabled: true,
        type: caller.kind === "registered" ? "oauth2proxy" : "token",
        secretRef: { name, key: "auth", adopt: true },
        extraVolumeMounts: authMounts,
      },
      dataSources: [],
      tolerations: classTolerations(rc),
      affinity: classAffinity(rc),
      template: { metadata: { labels: { ...labels }, annotations: { ...annotations } } },
    } as AmaltheaSession["spec"],
  };
  const secret: NamedSecret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace },
    stringData: secretData,
  };
  return { session, secrets: pull ? [secret, pull] : [secret] };
}

/**
 * data-services' pull secret for its internal GitLab's registry (core_sessions.py
 * __get_gitlab_image_pull_secret): the caller's GitLab token as user oauth2, and the e-mail. It
 * writes it as stringData, which its create step skips (only Secrets with `data` are created), so
 * its session refers to a Secret that never exists; this one is written as `data`.
 */
/** data-services' name for it. */
export const v2PullSecretName = (sessionName: string) => `${sessionName}-image-secret-v1`;

function v2PullSecret(
  name: string,
  namespace: string,
  caller: V2Caller,
  pull: { registry: string; gitlabToken: string },
): NamedSecret {
  const email = caller.kind === "registered" ? caller.email : undefined;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: v2PullSecretName(name), namespace },
    type: "kubernetes.io/dockerconfigjson",
    data: { [DOCKER_CONFIG_KEY]: dockerConfigJson(pull.registry, pull.gitlabToken, email) },
  };
}
