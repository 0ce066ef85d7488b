/** Wires deps.k8s: the sessions repository for the configured cluster (built without I/O). */
import { provideAdapter } from "../deps.js";
import { clusterAccess } from "../k8s/cluster.js";
import { createSessionsRepository } from "../k8s/sessions-repository.js";
import type { JupyterServer } from "../sessions/types.js";

provideAdapter("k8s", (config, log) =>
  createSessionsRepository<JupyterServer>({
    access: clusterAccess(config.k8s, { timeoutMs: config.upstream_timeout_ms }),
    config,
    log,
  }),
);
