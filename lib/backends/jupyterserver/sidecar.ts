/**
 * The git sidecar's `git/get_status`, asked before a hibernation (section 10). The call goes
 * through the Kubernetes API's service proxy to the session's `<name>-rpc-server` Service: the
 * Lambda already reaches the API server with its own credentials, while the session's ingress may
 * not be reachable from the VPC and would need the caller's token to pass oauth2-proxy.
 */
import type { NamespaceClient } from "../../k8s/namespace-client.js";
import type { Logger } from "../../obs/log.js";
import { askGitStatus, type GitStatus } from "../pod/hibernation.js";
import type { JupyterServer } from "./types.js";

const SIDECAR = "git-sidecar";

/** Does the session run a git sidecar (registered sessions)? */
export function hasGitSidecar(js: JupyterServer): boolean {
  const states = js.status?.containerStates?.regular;
  if (states && Object.keys(states).length > 0) return SIDECAR in states;
  return JSON.stringify(js.spec?.patches ?? []).includes(`"name":"${SIDECAR}"`);
}

/** Where the sidecar of session `name` answers JSON-RPC: its Service, port and path. */
export const sidecarRpcTarget = (name: string) => ({
  service: `${name}-rpc-server`,
  port: "http",
  path: `sessions/${name}/sidecar/jsonrpc`,
});

/** The repository's state, or undefined (logged as a warning) when the sidecar cannot answer. */
export function sidecarGitStatus(
  client: Pick<NamespaceClient, "postServiceProxy">,
  log: Logger,
  name: string,
): Promise<GitStatus | undefined> {
  const target = sidecarRpcTarget(name);
  return askGitStatus(log, name, (body, timeoutMs) =>
    client.postServiceProxy<unknown>(target.service, target.port, target.path, body, timeoutMs),
  );
}
