/**
 * The git sidecar's `git/get_status` for an AmaltheaSession, asked before a hibernation. Amalthea
 * creates no `<name>-rpc-server` Service (its Service reaches only the session and its auth
 * proxy), so the call goes through the API server's pod proxy to the sidecar's container port on
 * pod `<name>-0`: still the service's own credentials, no route through the session's ingress.
 */

import type { NamespaceClient } from "../../k8s/namespace-client.js";
import type { Logger } from "../../obs/log.js";
import { GIT_SIDECAR_CONTAINER } from "../pod/containers/git-sidecar.js";
import { askGitStatus } from "../pod/hibernation.js";
import { podName } from "../pod/ownership.js";
import type { AmaltheaSession } from "./types.js";

/** Where the session's sidecar answers JSON-RPC: its port and path, as its own env sets them. */
export function sidecarPodTarget(cr: AmaltheaSession): { port: number; path: string } | undefined {
  const sidecar = cr.spec.extraContainers?.find((c) => c.name === GIT_SIDECAR_CONTAINER);
  const env = new Map((sidecar?.env ?? []).map((e) => [e.name, e.value]));
  const port = Number(env.get("GIT_RPC_PORT"));
  const prefix = env.get("GIT_RPC_URL_PREFIX");
  if (!sidecar || !Number.isInteger(port) || port <= 0 || prefix === undefined) return undefined;
  return { port, path: `${prefix}jsonrpc` };
}

/** The repository's state; undefined without a sidecar or when it cannot answer in time. */
export async function amaltheaSessionGitStatus(
  repo: Pick<NamespaceClient<AmaltheaSession>, "postPodProxy">,
  log: Logger,
  cr: AmaltheaSession,
) {
  const target = sidecarPodTarget(cr);
  if (!target) return undefined;
  const name = cr.metadata.name;
  return askGitStatus(log, name, (body, timeoutMs) =>
    repo.postPodProxy<unknown>(podName(name), target.port, target.path, body, timeoutMs),
  );
}
