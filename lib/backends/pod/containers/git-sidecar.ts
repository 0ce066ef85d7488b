/** The git sidecar (section 4, row 15): JSON-RPC git service, autosave on stop. */

import { sessionPath } from "../../../sessions/url.js";
import { type ContainerContext, envVar, sentryEnv } from "./context.js";

export const GIT_SIDECAR_CONTAINER = "git-sidecar";

/** The sidecar image's autosave, run from its working directory /app (images.md). */
export const SIDECAR_AUTOSAVE_COMMAND = [
  ".venv/bin/python",
  "-m",
  "git_services.sidecar.run_command",
  "autosave",
];

/** The sidecar container; the AmaltheaSession backend adds it as an extra container. */
export function gitSidecarContainer(ctx: ContainerContext) {
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

/** The sidecar's routes 1.18.1 lets through without a login: its health and `jsonrpc/map`. */
export function sidecarSkipAuthRoutes(name: string): [string, string, string] {
  const sidecar = `${sessionPath(name)}/sidecar/`;
  return [`^${sidecar}health$`, `^${sidecar}health/$`, `^${sidecar}jsonrpc/map$`];
}
