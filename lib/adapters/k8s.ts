/** The sessions repository for the configured cluster (built without I/O). */

import type { JupyterServer } from "../backends/jupyterserver/types.js";
import type { Adapter } from "../deps.js";
import { clusterAccess } from "../k8s/cluster.js";
import { createSessionsRepository } from "../k8s/namespace-client.js";

export const k8s: Adapter<"k8s"> = ({ config, log }) =>
  createSessionsRepository<JupyterServer>({
    access: clusterAccess(config.k8s, { timeoutMs: config.upstream_timeout_ms }),
    config,
    log,
  });
