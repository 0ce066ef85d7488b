/** The sessions repository typed for JupyterServers (deps.k8s is generic over the stored kind). */
import "../adapters/k8s.js";
import type { Deps } from "../deps.js";
import type { SessionsRepository } from "../k8s/sessions-repository.js";
import type { JupyterServer } from "../sessions/types.js";

export const jupyterServers = (deps: Pick<Deps, "k8s">): SessionsRepository<JupyterServer> =>
  deps.k8s as unknown as SessionsRepository<JupyterServer>;
