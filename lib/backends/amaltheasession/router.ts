/**
 * The session router (D22): Amalthea 0.31 proxies a session's URL through one chain only,
 * oauth2-proxy → authproxy → `127.0.0.1:<session.port>`, and its oauth2-proxy's `--upstream` is set
 * by the operator. So `session.port` is this container, which sends the git sidecar's path to the
 * sidecar and everything else to Jupyter, as 1.18.1's oauth2-proxy upstreams did. It is an
 * oauth2-proxy (the image the service already pins) that authenticates nothing: the operator's
 * oauth2-proxy in front of it already has.
 */
import { randomBytes } from "node:crypto";
import type { ContainerContext } from "../pod/containers/context.js";
import type { Container, Volume } from "./types.js";

export const ROUTER_CONTAINER = "session-router";
/** The router's port: the AmaltheaSession's `session.port`. */
export const ROUTER_PORT = 8000;
/** The Secret key holding the router's config file. */
export const ROUTER_KEY = "router";
const ROUTER_VOLUME = "renku-session-router";
const CONFIG_DIR = "/etc/session-router";

/**
 * The router's config (TOML). oauth2-proxy will not start without a provider, client and cookie
 * secret; the default provider needs no discovery at start, and none of these is ever used
 * because every route skips authentication.
 */
export function routerConfig(): string {
  const entries: [string, string | string[]][] = [
    ["client_id", "renku-session-router"],
    ["client_secret", randomBytes(16).toString("base64url")],
    ["cookie_secret", randomBytes(32).toString("base64url")],
    ["email_domains", ["*"]],
  ];
  return entries.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join("\n");
}

/** The router container and its config volume (the session's own Secret, key `router`). */
export function sessionRouter(
  ctx: ContainerContext,
  jupyterPort: number,
): { container: Container; volume: Volume } {
  const rpc = ctx.config.sessions.git_rpc_server;
  const health = { httpGet: { path: "/ping", port: ROUTER_PORT } };
  return {
    container: {
      name: ROUTER_CONTAINER,
      image: ctx.config.sessions.oauth2_proxy.image,
      args: [
        `--http-address=:${ROUTER_PORT}`,
        `--upstream=http://127.0.0.1:${jupyterPort}`,
        `--upstream=http://127.0.0.1:${rpc.port}/sessions/${ctx.name}/sidecar/`,
        // Every request: the operator's oauth2-proxy has authenticated it already.
        "--skip-auth-route=^/",
        "--silence-ping-logging",
        `--config=${CONFIG_DIR}/${ROUTER_KEY}`,
      ],
      ports: [{ containerPort: ROUTER_PORT, name: "session-router", protocol: "TCP" }],
      volumeMounts: [{ name: ROUTER_VOLUME, mountPath: CONFIG_DIR, readOnly: true }],
      readinessProbe: health,
      livenessProbe: health,
      resources: { requests: { cpu: "20m", memory: "16Mi" }, limits: { memory: "32Mi" } },
      securityContext: { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true },
    },
    volume: {
      name: ROUTER_VOLUME,
      secret: { secretName: ctx.name, items: [{ key: ROUTER_KEY, path: ROUTER_KEY }] },
    },
  };
}
