/**
 * The JupyterServer's patches (section 4): the containers and settings both resources run
 * (lib/backends/pod/containers/), applied to Amalthea 0.24's StatefulSet template as JSON patches.
 */
import type { JsonPatchOp } from "../../k8s/kube-client.js";
import { sessionPath } from "../../sessions/url.js";
import {
  CA_BUNDLE,
  type ContainerContext,
  envVar,
  etcCertsMount,
} from "../pod/containers/context.js";
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
import { dockerConfigJson, imagePullSecretName } from "../pod/pull-secret.js";
import type { AmaltheaPatch } from "./types.js";

const STS = "/statefulset/spec/template/spec";

const jsonPatch = (...ops: JsonPatchOp[]): AmaltheaPatch => ({
  type: "application/json-patch+json",
  patch: ops,
});

const add = (path: string, value: unknown): JsonPatchOp => ({ op: "add", path, value });

/** Fails the launch fast if Amalthea's container order is not what later patches index into. */
function testContainerOrder(ctx: ContainerContext): AmaltheaPatch[] {
  const names =
    ctx.user.kind === "registered"
      ? ctx.config.sessions.containers.registered.slice(0, 2)
      : ctx.config.sessions.containers.anonymous.slice(0, 1);
  return names.map((name, i) =>
    jsonPatch({ op: "test", path: `${STS}/containers/${i}/name`, value: name }),
  );
}

function tolerations(ctx: ContainerContext): AmaltheaPatch[] {
  return [jsonPatch(add(`${STS}/tolerations`, tolerationsValue(ctx)))];
}

/** Config affinity; a resource class with node affinities adds its match expressions to it. */
function affinity(ctx: ContainerContext): AmaltheaPatch[] {
  return [jsonPatch(add(`${STS}/affinity`, affinityValue(ctx)))];
}

function nodeSelector(ctx: ContainerContext): AmaltheaPatch[] {
  if ((ctx.resources.nodeAffinities ?? []).length > 0) return [];
  return [jsonPatch(add(`${STS}/nodeSelector`, ctx.config.sessions.node_selector))];
}

/** Long grace so the git sidecar's preStop autosave can finish [1.18]. */
function terminationGracePeriod(ctx: ContainerContext): AmaltheaPatch[] {
  return [
    jsonPatch(
      add(
        `${STS}/terminationGracePeriodSeconds`,
        ctx.config.sessions.termination_grace_period_seconds,
      ),
    ),
  ];
}

function priorityClass(ctx: ContainerContext): AmaltheaPatch[] {
  if (!ctx.resources.priorityClass) return [];
  return [jsonPatch(add(`${STS}/priorityClassName`, ctx.resources.priorityClass))];
}

function args(): AmaltheaPatch[] {
  return [jsonPatch(add(`${STS}/containers/0/args`, ["jupyter", "notebook"]))];
}

/** The built-in variables of container 0, then the user's; redefining a built-in is a 422 (1004). */
function env(ctx: ContainerContext): AmaltheaPatch[] {
  return [jsonPatch(...sessionEnv(ctx).map((e) => add(`${STS}/containers/0/env/-`, e)))];
}

/** A private GitLab-registry image needs a child pull secret carrying the user's GitLab token. */
function imagePullSecret(ctx: ContainerContext): AmaltheaPatch[] {
  if (!ctx.image.private || ctx.user.kind !== "registered") return [];
  const name = imagePullSecretName(ctx.name);
  return [
    jsonPatch(
      add("/image_pull_secret", {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace: ctx.config.k8s.namespace },
        type: "kubernetes.io/dockerconfigjson",
        data: {
          ".dockerconfigjson": dockerConfigJson(
            ctx.config.git.registry,
            ctx.user.gitToken,
            ctx.gitlabUser?.email ?? ctx.user.email,
          ),
        },
      }),
    ),
    jsonPatch(add(`${STS}/imagePullSecrets/-`, { name })),
  ];
}

function disableServiceLinks(): AmaltheaPatch[] {
  return [jsonPatch(add(`${STS}/enableServiceLinks`, false))];
}

/** R and RStudio ignore the container env: the user's variables also go to ~/.Renviron. */
function renviron(ctx: ContainerContext): AmaltheaPatch[] {
  const vars = Object.entries(ctx.request.environmentVariables);
  if (vars.length === 0) return [];
  const name = `${ctx.name}-renviron`;
  return [
    jsonPatch(
      add("/renviron", {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace: ctx.config.k8s.namespace },
        stringData: { ".Renviron": renvironText(ctx) },
      }),
      add(`${STS}/volumes/-`, { name, secret: { secretName: name } }),
      add(`${STS}/containers/0/volumeMounts/-`, {
        name,
        mountPath: RENVIRON_PATH,
        subPath: ".Renviron",
        readOnly: true,
      }),
    ),
  ];
}

function gitProxy(ctx: ContainerContext): AmaltheaPatch[] {
  return [jsonPatch(add(`${STS}/containers/-`, gitProxyContainer(ctx)))];
}

/** Registered users only: JSON-RPC git service at /sessions/<name>/sidecar/, autosave on stop. */
function gitSidecar(ctx: ContainerContext): AmaltheaPatch[] {
  if (ctx.user.kind !== "registered") return [];
  const rpc = ctx.config.sessions.git_rpc_server;
  return [
    jsonPatch(add(`${STS}/containers/-`, gitSidecarContainer(ctx))),
    jsonPatch(
      add(`/rpc_server_service`, {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: `${ctx.name}-rpc-server`, namespace: ctx.config.k8s.namespace },
        spec: {
          ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: rpc.port }],
          selector: { app: ctx.name },
        },
      }),
    ),
    oauth2ProxyRoutes(ctx),
  ];
}

/**
 * The oauth2-proxy (container 1) as the reference sets it up for the sidecar: Amalthea 0.24's
 * template has the jupyter upstream `--upstream=http://127.0.0.1:8888` at args[6]; it becomes the
 * session's path, the sidecar gets its own upstream, its health routes and `jsonrpc/map` skip the
 * login, and the image is the pinned one these flags were made for.
 */
function oauth2ProxyRoutes(ctx: ContainerContext): AmaltheaPatch {
  const session = `${sessionPath(ctx.name)}/`;
  const sidecar = `${session}sidecar/`;
  const arg = (value: string) => add(`${STS}/containers/1/args/-`, value);
  const [health, healthSlash, map] = sidecarSkipAuthRoutes(ctx.name);
  return jsonPatch(
    {
      op: "replace",
      path: `${STS}/containers/1/args/6`,
      value: `--upstream=http://127.0.0.1:8888${session}`,
    },
    arg(`--upstream=http://127.0.0.1:${ctx.config.sessions.git_rpc_server.port}${sidecar}`),
    arg(`--skip-auth-route=${health}`),
    arg(`--skip-auth-route=${healthSlash}`),
    arg("--skip-jwt-bearer-tokens=true"),
    arg(`--skip-auth-route=${map}`),
    add(`${STS}/containers/1/image`, ctx.config.sessions.oauth2_proxy.image),
    arg("--oidc-extra-audience=renku"),
  );
}

/** Registered: let oauth2-proxy accept unverified e-mails when configured (dev setups). */
function oidcUnverifiedEmail(ctx: ContainerContext): AmaltheaPatch[] {
  if (ctx.user.kind !== "registered") return [];
  return [
    jsonPatch(
      add(
        `${STS}/containers/1/env/-`,
        envVar(
          "OAUTH2_PROXY_INSECURE_OIDC_ALLOW_UNVERIFIED_EMAIL",
          String(ctx.config.sessions.oidc.allow_unverified_email),
        ),
      ),
    ),
  ];
}

/** Builds /etc/ssl/certs from the system bundle plus the configured custom CA secrets. */
function initCertificates(ctx: ContainerContext): AmaltheaPatch[] {
  const [etc, custom] = certificateVolumes(ctx);
  return [
    jsonPatch(add(`${STS}/initContainers/-`, initCertificatesContainer(ctx))),
    jsonPatch(add(`${STS}/volumes/-`, etc)),
    jsonPatch(add(`${STS}/volumes/-`, custom)),
  ];
}

/** Pulls the session image as its own visible step. */
function downloadImage(ctx: ContainerContext): AmaltheaPatch[] {
  return [jsonPatch(add(`${STS}/initContainers/-`, downloadImageContainer(ctx)))];
}

/** Clones the project into the workspace (a no-op when the volume already holds it). */
function gitClone(ctx: ContainerContext): AmaltheaPatch[] {
  return [jsonPatch(add(`${STS}/initContainers/-`, gitCloneContainer(ctx)))];
}

/**
 * The proxy (container 1) gets the session's CA bundle, the anonymous passthrough-proxy too, as in
 * the reference; the registered oauth2-proxy also trusts it for its calls to the identity provider.
 */
function proxyCertificates(ctx: ContainerContext): AmaltheaPatch[] {
  const mount = jsonPatch(add(`${STS}/containers/1/volumeMounts/-`, etcCertsMount(true)));
  if (ctx.user.kind !== "registered") return [mount];
  return [
    mount,
    jsonPatch(
      add(`${STS}/containers/1/env/-`, envVar("OAUTH2_PROXY_PROVIDER_CA_FILES", CA_BUNDLE)),
    ),
  ];
}

/** The patches in the order of the table in section 4 (cloud storage, SSH, user secrets off: D13). */
export function buildPatches(ctx: ContainerContext): AmaltheaPatch[] {
  return [
    ...testContainerOrder(ctx),
    ...tolerations(ctx),
    ...affinity(ctx),
    ...nodeSelector(ctx),
    ...terminationGracePeriod(ctx),
    ...priorityClass(ctx),
    ...args(),
    ...env(ctx),
    ...imagePullSecret(ctx),
    ...disableServiceLinks(),
    ...renviron(ctx),
    ...gitProxy(ctx),
    ...gitSidecar(ctx),
    ...oidcUnverifiedEmail(ctx),
    ...initCertificates(ctx),
    ...downloadImage(ctx),
    ...gitClone(ctx),
    ...proxyCertificates(ctx),
  ];
}
