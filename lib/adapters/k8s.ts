/** The client of the sessions namespace of the configured cluster (built without I/O). */

import type { JupyterServer } from "../backends/jupyterserver/types.js";
import { clusterAccess } from "../k8s/cluster.js";
import { createNamespaceClient } from "../k8s/namespace-client.js";
import type { Adapter } from "./deps.js";

export const k8s: Adapter<"k8s"> = ({ config, log }) =>
  createNamespaceClient<JupyterServer>({
    access: clusterAccess(config.k8s, { timeoutMs: config.upstream_timeout_ms }),
    config,
    log,
  });
