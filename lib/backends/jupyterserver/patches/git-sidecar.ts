/** The git sidecar and the oauth2-proxy changes that expose it (section 4, rows 15-16). */

import { sessionPath } from "../../../sessions/url.js";
import type { AmaltheaPatch } from "../types.js";
import { add, envVar, jsonPatch, type PatchContext, STS, sentryEnv } from "./context.js";

export const GIT_SIDECAR_CONTAINER = "git-sidecar";

/** The sidecar image's autosave, run from its working directory /app (images.md). */
export const SIDECAR_AUTOSAVE_COMMAND = [
  ".venv/bin/python",
  "-m",
  "git_services.sidecar.run_command",
  "autosave",
];

/** The sidecar container; the AmaltheaSession backend adds it as an extra container. */
export function gitSidecarContainer(ctx: PatchContext) {
  const rpc = ctx.config.sessions.git_rpc_server;
  const prefix = `/sessions/${ctx.name}/sidecar/`;
  const mountPath = `/work/${ctx.projectPath}/`;
  const probe = (failureThreshold: number) => ({
    httpGet: { port: rpc.port, path: `${prefix}health` },
    periodSeconds: 10,
    failureThreshold,
  });
  return {
    name: GIT_SIDECAR_CONTAINER,
    image: rpc.image,
    ports: [{ containerPort: rpc.port, name: "git-port", protocol: "TCP" }],
    env: [
      envVar("GIT_RPC_MOUNT_PATH", mountPath),
      envVar("GIT_RPC_PORT", rpc.port),
      envVar("GIT_RPC_HOST", rpc.host),
      envVar("GIT_RPC_URL_PREFIX", prefix),
      envVar("GIT_RPC_GIT_PROXY_HEALTH_PORT", ctx.config.sessions.git_proxy.health_port),
      ...sentryEnv("GIT_RPC_", rpc.sentry),
      // Read by the autosave (preStop) outside the loader: the launch commit and the user.
      envVar("CI_COMMIT_SHA", ctx.request.commitSha),
      envVar("RENKU_USERNAME", ctx.user.username),
      envVar(
        "AUTOSAVE_MINIMUM_LFS_FILE_SIZE_BYTES",
        ctx.config.sessions.autosave_minimum_lfs_file_size_bytes,
      ),
    ],
    lifecycle: {
      preStop: {
        exec: {
          command: SIDECAR_AUTOSAVE_COMMAND,
        },
      },
    },
    resources: { requests: { memory: "84Mi", cpu: "100m" } },
    securityContext: {
      allowPrivilegeEscalation: false,
      runAsGroup: 100,
      runAsUser: 1000,
      runAsNonRoot: true,
    },
    volumeMounts: [{ mountPath, name: ctx.workspaceVolume, subPath: `${ctx.projectPath}/` }],
    livenessProbe: probe(2),
    readinessProbe: probe(6),
    startupProbe: probe(30),
  };
}

/** Registered users only: JSON-RPC git service at /sessions/<name>/sidecar/, autosave on stop. */
export function gitSidecar(ctx: PatchContext): AmaltheaPatch[] {
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

/** The sidecar's routes 1.18.1 lets through without a login: its health and `jsonrpc/map`. */
export function sidecarSkipAuthRoutes(name: string): [string, string, string] {
  const sidecar = `${sessionPath(name)}/sidecar/`;
  return [`^${sidecar}health$`, `^${sidecar}health/$`, `^${sidecar}jsonrpc/map$`];
}

/**
 * The oauth2-proxy (container 1) as the reference sets it up for the sidecar: Amalthea 0.24's
 * template has the jupyter upstream `--upstream=http://127.0.0.1:8888` at args[6]; it becomes the
 * session's path, the sidecar gets its own upstream, its health routes and `jsonrpc/map` skip the
 * login, and the image is the pinned one these flags were made for.
 */
function oauth2ProxyRoutes(ctx: PatchContext): AmaltheaPatch {
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
export function oidcUnverifiedEmail(ctx: PatchContext): AmaltheaPatch[] {
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
