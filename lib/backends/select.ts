/** NB_AMALTHEA__BACKEND: which custom resource(s) hold the sessions. */
import type { Config } from "../config/schema.js";
import type { NamespaceClient } from "../k8s/namespace-client.js";
import type { Logger } from "../obs/log.js";
import { amaltheaSessionBackend } from "./amaltheasession/backend.js";
import type { AmaltheaSession } from "./amaltheasession/types.js";
import { bothBackends } from "./composite.js";
import { jupyterServerBackend } from "./jupyterserver/backend.js";
import type { JupyterServer } from "./jupyterserver/types.js";
import type { SessionBackend } from "./port.js";

/** AmaltheaSessions are served by Amalthea >= 0.25 as amalthea.dev/v1alpha1 (the only version). */
export const AMALTHEA_SESSIONS = {
  group: "amalthea.dev",
  version: "v1alpha1",
  plural: "amaltheasessions",
} as const;

/**
 * The backend(s) the configuration names. The namespace client's own custom objects are the
 * JupyterServers (config.amalthea); the AmaltheaSessions get the same client on their resource.
 */
export function sessionBackend(
  client: NamespaceClient<JupyterServer>,
  config: Config,
  log: Logger,
): SessionBackend {
  const choice = config.amalthea.backend;
  const js = () => jupyterServerBackend(client, config, log);
  const ams = () =>
    amaltheaSessionBackend(client.forResource<AmaltheaSession>(AMALTHEA_SESSIONS), config, log);
  if (choice === "jupyterserver") return js();
  if (choice === "amaltheasession") return ams();
  return bothBackends(ams(), js());
}
