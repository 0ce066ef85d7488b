/**
 * The AmaltheaSession a launch creates, and the Secrets that must exist beside it (Amalthea
 * creates no Secret for its clients). The same launch as the JupyterServer's: its labels and
 * annotations, the containers of the images contract (built by the same builders), culling from
 * the same settings. The result holds tokens and the OIDC client secret: never log it.
 */
import { randomBytes } from "node:crypto";
import type { V1Secret } from "@kubernetes/client-node/dist/gen/index.js";
import { RENKU_SESSION_COOKIE } from "../../auth/authenticate.js";
import { sessionPath } from "../../sessions/url.js";
import { trimTrailingSlashes } from "../../util/trim.js";
import { CA_BUNDLE, type ContainerContext, etcCertsMount } from "../pod/containers/context.js";
import { gitProxyContainer } from "../pod/containers/git-proxy.js";
import { gitSidecarContainer, sidecarSkipAuthRoutes } from "../pod/containers/git-sidecar.js";
import {
  certificateVolumes,
  downloadImageContainer,
  gitCloneContainer,
  initCertificatesContainer,
} from "../pod/containers/init-containers.js";
import { affinityValue, tolerationsValue } from "../pod/containers/scheduling.js";
import { RENVIRON_PATH, renvironText, sessionEnv } from "../pod/containers/session.js";
import {
  assertManifestSize,
  containerResources,
  culling,
  type LaunchInput,
  launchContext,
  sessionMetadata,
} from "../pod/launch.js";
import { dockerConfigJson, imagePullSecretName } from "../pod/pull-secret.js";
import type { ResourceList } from "../pod/types.js";
import { ROUTER_KEY, ROUTER_PORT, routerConfig, sessionRouter } from "./router.js";
import type { AmaltheaSession, Container, Volume } from "./types.js";

/** The operator's name for the workspace PVC's volume (amaltheasession.md §3.2). */
export const WORKSPACE_VOLUME = "amalthea-volume";
/** The session container, named by the operator. */
export const SESSION_CONTAINER = "amalthea-session";
/** Jupyter's port in the session images. */
export const SESSION_PORT = 8888;
/** Key of the adopted secret `<name>` that holds the auth proxy's configuration. */
export const AUTH_KEY = "auth";
const EMAILS_KEY = "authorized_emails";
const RENVIRON_KEY = ".Renviron";
export const ANONYMOUS_COOKIE = RENKU_SESSION_COOKIE;

export interface Launch {
  session: AmaltheaSession;
  /** Created before the session; all adopted by it, so the operator deletes them with it. */
  secrets: (V1Secret & { metadata: { name: string } })[];
}

/** Quantities as strings: the CRD's int-or-string fields take no fractions as numbers. */
function quantities(list: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const [k, v] of Object.entries(list)) if (v !== undefined) out[k] = String(v);
  return out;
}

/** The registered session's oauth2-proxy config file (TOML); Amalthea sets upstream and address. */
function oauth2ProxyConfig(ctx: ContainerContext): string {
  const { config, name } = ctx;
  const user = ctx.user.kind === "registered" ? ctx.user : undefined;
  const path = sessionPath(name);
  const base = new URL(ctx.sessionUrl).origin;
  const entries: [string, string | boolean | string[]][] = [
    ["provider", "oidc"],
    ["client_id", config.sessions.oidc.client_id],
    ["client_secret", config.sessions.oidc.client_secret],
    ["oidc_issuer_url", user?.issuer ?? ""],
    ["redirect_url", `${base}${path}/oauth2/callback`],
    ["cookie_path", path],
    ["proxy_prefix", `${path}/oauth2`],
    ["cookie_secret", randomBytes(32).toString("base64url")],
    ["session_cookie_minimal", true],
    ["skip_provider_button", true],
    ["authenticated_emails_file", `/${EMAILS_KEY}`],
    ["insecure_oidc_allow_unverified_email", config.sessions.oidc.allow_unverified_email],
    ["skip_jwt_bearer_tokens", true],
    ["oidc_extra_audiences", ["renku"]],
    ["provider_ca_files", [CA_BUNDLE]],
    // Amalthea sets only the upstream and address on the command line: these stay ours (D22).
    ["skip_auth_routes", sidecarSkipAuthRoutes(name)],
  ];
  // JSON strings and arrays of them are valid TOML basic strings and arrays.
  return entries.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join("\n");
}

/** The anonymous session's authproxy config (YAML; JSON is YAML). */
const tokenConfig = (token: string) =>
  JSON.stringify({ authproxy: { token, cookie_key: ANONYMOUS_COOKIE, verbose: true } });

export function buildAmaltheaSession(input: LaunchInput, launchId: string): Launch {
  const { config, user, name, image, resources } = input;
  const ctx = launchContext(input, WORKSPACE_VOLUME);
  const registered = user.kind === "registered";
  const { labels, annotations } = sessionMetadata(input);
  const cull = culling(config, user, resources);
  const seconds = (n: number) => `${n}s`;
  const mountPath = `${trimTrailingSlashes(image.workdir)}/work`;
  const tls = config.sessions.ingress.tls_secret;
  const ingressClass =
    config.sessions.ingress.class_name ??
    config.sessions.ingress.annotations["kubernetes.io/ingress.class"];
  const envVars = Object.keys(input.request.environmentVariables).length > 0;

  const secretData: Record<string, string> = {
    // The authproxy reads its token from the `_renku_session` cookie (or a bearer header), never
    // from the URL: the browser's gateway cookie is the token, as renku-data-services sets it.
    [AUTH_KEY]: registered ? oauth2ProxyConfig(ctx) : tokenConfig(user.sessionCookie ?? user.id),
  };
  if (registered) secretData[EMAILS_KEY] = user.email ?? "";
  if (registered) secretData[ROUTER_KEY] = routerConfig();
  if (envVars) secretData[RENVIRON_KEY] = renvironText(ctx);
  const secrets: Launch["secrets"] = [
    {
      metadata: { name, namespace: config.k8s.namespace, labels },
      type: "Opaque",
      stringData: secretData,
    },
  ];
  const pullSecret = image.private && user.kind === "registered";
  if (pullSecret) {
    secrets.push({
      metadata: { name: imagePullSecretName(name), namespace: config.k8s.namespace, labels },
      type: "kubernetes.io/dockerconfigjson",
      data: {
        ".dockerconfigjson": dockerConfigJson(
          config.git.registry,
          user.gitToken,
          input.gitlabUser?.email ?? user.email,
        ),
      },
    });
  }

  const extraVolumes: Volume[] = [...certificateVolumes(ctx)];
  const sessionMounts: Record<string, unknown>[] = [];
  if (registered) {
    extraVolumes.push({
      name: "renku-authorized-emails",
      secret: { secretName: name, items: [{ key: EMAILS_KEY, path: EMAILS_KEY }] },
    });
  }
  if (envVars) {
    extraVolumes.push({
      name: "renku-renviron",
      secret: { secretName: name, items: [{ key: RENVIRON_KEY, path: RENVIRON_KEY }] },
    });
    sessionMounts.push({
      name: "renku-renviron",
      mountPath: RENVIRON_PATH,
      subPath: RENVIRON_KEY,
      readOnly: true,
    });
  }

  const { requests, limits } = containerResources(config, resources);
  const extraContainers: Container[] = [gitProxyContainer(ctx)];
  // Registered sessions have the git sidecar; the router puts its path on the session's URL (D22).
  const router = registered ? sessionRouter(ctx, SESSION_PORT) : undefined;
  if (router) {
    extraContainers.push(gitSidecarContainer(ctx), router.container);
    extraVolumes.push(router.volume);
  }
  const affinity = affinityValue(ctx);
  const nodeSelector =
    (resources.nodeAffinities ?? []).length > 0 ? undefined : config.sessions.node_selector;

  const session: AmaltheaSession = {
    apiVersion: "amalthea.dev/v1alpha1",
    kind: "AmaltheaSession",
    metadata: {
      name,
      namespace: config.k8s.namespace,
      labels,
      annotations: { ...annotations, "renku.io/launch-id": launchId },
    },
    spec: {
      hibernated: false,
      // Spec changes (fresh tokens, a new class) reach the pod at the next resume, as Renku does.
      reconcileStrategy: "whenFailedOrHibernated",
      ...(resources.priorityClass ? { priorityClassName: resources.priorityClass } : {}),
      ...(pullSecret
        ? { imagePullSecrets: [{ name: imagePullSecretName(name), adopt: true }] }
        : {}),
      session: {
        image: image.image,
        args: jupyterArgs({
          port: SESSION_PORT,
          baseUrl: sessionPath(name),
          defaultUrl: resources.defaultUrl,
          rootDir: `${ctx.notebookDir}/`,
        }),
        env: sessionEnv(ctx),
        resources: { requests: quantities(requests), limits: quantities(limits) },
        port: router ? ROUTER_PORT : SESSION_PORT,
        urlPath: sessionPath(name),
        workingDir: ctx.notebookDir,
        runAsUser: 1000,
        runAsGroup: 100,
        storage: {
          size: String(resources.storage),
          mountPath,
          ...(config.sessions.storage.pvs_storage_class
            ? { className: config.sessions.storage.pvs_storage_class }
            : {}),
        },
        ...(sessionMounts.length > 0 ? { extraVolumeMounts: sessionMounts } : {}),
        // Behind the router, a TCP probe would find the router, not Jupyter: ask Jupyter's path.
        readinessProbe: { type: router ? "http" : "tcp" },
        // As renku-data-services: the default /dev/shm of 64 MiB is too small for data loaders.
        shmSize: "1G",
      },
      ingress: {
        host: config.sessions.ingress.host,
        ...(ingressClass ? { ingressClassName: ingressClass } : {}),
        pathPrefix: sessionPath(name),
        annotations: config.sessions.ingress.annotations,
        ...(tls ? { tlsSecret: { name: tls, adopt: false } } : {}),
        // TLS terminated in front of the ingress: status.url says https as the API does.
        ...(!tls && config.sessions.ingress.scheme === "https" ? { assumeHttps: true } : {}),
      },
      authentication: {
        enabled: true,
        type: registered ? "oauth2proxy" : "token",
        secretRef: { name, key: AUTH_KEY, adopt: true },
        ...(registered
          ? {
              extraVolumeMounts: [
                {
                  name: "renku-authorized-emails",
                  mountPath: `/${EMAILS_KEY}`,
                  subPath: EMAILS_KEY,
                },
                etcCertsMount(true),
              ],
            }
          : {}),
      },
      culling: {
        maxAge: seconds(cull.maxAgeSecondsThreshold),
        maxIdleDuration: seconds(cull.idleSecondsThreshold),
        maxStartingDuration: seconds(cull.startingSecondsThreshold),
        maxFailedDuration: seconds(cull.failedSecondsThreshold),
        // Anonymous sessions are not kept hibernated: deleted a second after (renku-data-services).
        maxHibernatedDuration: registered ? seconds(cull.hibernatedSecondsThreshold) : "1s",
      },
      initContainers: [
        initCertificatesContainer(ctx),
        downloadImageContainer(ctx),
        gitCloneContainer(ctx),
      ],
      extraContainers,
      extraVolumes,
      tolerations: tolerationsValue(ctx),
      affinity,
      ...(nodeSelector ? { nodeSelector } : {}),
      template: { metadata: { labels: strings(labels) } },
    },
  };
  // Checked before anything is created: the session, and the Secret that carries `.Renviron`
  // beside it, each under kube-apiserver's limits (1 MiB of data for a Secret).
  assertManifestSize(session);
  assertManifestSize({ data: secretData });
  return { session, secrets };
}

function strings(map: Record<string, string | null>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) if (v !== null) out[k] = v;
  return out;
}

/**
 * `jupyter notebook` configured for both flavours, as Amalthea 0.24's config files did: the classic
 * Notebook (6 and older) reads only `NotebookApp` options, Jupyter Server only `ServerApp` ones,
 * and each ignores the other's. The auth proxy in front of it authenticates: no token, no password.
 */
function jupyterArgs(o: { port: number; baseUrl: string; defaultUrl: string; rootDir: string }) {
  const options = (app: string) => [
    `--${app}.ip=0.0.0.0`,
    `--${app}.port=${o.port}`,
    `--${app}.base_url=${o.baseUrl}`,
    `--${app}.default_url=${o.defaultUrl}`,
    `--${app}.token=`,
    `--${app}.password=`,
    `--${app}.allow_remote_access=True`,
  ];
  return [
    "jupyter",
    "notebook",
    ...options("ServerApp"),
    `--ServerApp.root_dir=${o.rootDir}`,
    ...options("NotebookApp"),
    `--NotebookApp.notebook_dir=${o.rootDir}`,
    "--ContentsManager.allow_hidden=True",
  ];
}
