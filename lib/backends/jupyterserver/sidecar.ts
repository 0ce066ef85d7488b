/**
 * The git sidecar's `git/get_status`, asked before a hibernation (section 10). The call goes
 * through the Kubernetes API's service proxy to the session's `<name>-rpc-server` Service: the
 * Lambda already reaches the API server with its own credentials, while the session's ingress may
 * not be reachable from the VPC and would need the caller's token to pass oauth2-proxy.
 */
import type { Deps } from "../../deps.js";
import {
  GIT_STATUS_REQUEST,
  type GitStatus,
  parseGitStatus,
  sidecarRpcTarget,
} from "../pod/hibernation.js";
import type { JupyterServer } from "./types.js";

/** A hibernation must not wait long on a sidecar that cannot answer. */
export const GIT_STATUS_TIMEOUT_MS = 3000;

const SIDECAR = "git-sidecar";

/** Does the session run a git sidecar (registered sessions)? */
export function hasGitSidecar(js: JupyterServer): boolean {
  const states = js.status?.containerStates?.regular;
  if (states && Object.keys(states).length > 0) return SIDECAR in states;
  return JSON.stringify(js.spec?.patches ?? []).includes(`"name":"${SIDECAR}"`);
}

/** The repository's state, or undefined (logged as a warning) when the sidecar cannot answer. */
export function sidecarGitStatus(
  deps: Pick<Deps, "k8s" | "log">,
  name: string,
): Promise<GitStatus | undefined> {
  const target = sidecarRpcTarget(name);
  return askGitStatus(deps, name, (body, timeoutMs) =>
    deps.k8s.postServiceProxy<unknown>(target.service, target.port, target.path, body, timeoutMs),
  );
}

/** `git/get_status` over `post` (whichever route reaches the sidecar), bounded and never throwing. */
export async function askGitStatus(
  deps: Pick<Deps, "log">,
  name: string,
  post: (body: unknown, timeoutMs: number) => Promise<unknown>,
): Promise<GitStatus | undefined> {
  try {
    const answer = await post(GIT_STATUS_REQUEST, GIT_STATUS_TIMEOUT_MS);
    const status = parseGitStatus(answer);
    if (!status) deps.log.warn({ server: name }, "the git sidecar's status answer is malformed");
    return status;
  } catch (err) {
    deps.log.warn(
      { server: name, err: err instanceof Error ? err.message : String(err) },
      "the git sidecar did not answer git/get_status; hibernating with empty git information",
    );
    return undefined;
  }
}
