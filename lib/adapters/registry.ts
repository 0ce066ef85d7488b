/** The guarded registry client (allow-list, plain-http hosts, GitLab registry). */

import { createRegistryClient } from "../registry/client.js";
import type { Adapter } from "./deps.js";

export const registry: Adapter<"registry"> = ({ config }) =>
  createRegistryClient({
    allowedHosts: config.registry.allowed_hosts,
    plainHttpHosts: config.registry.plain_http_hosts,
    gitlabRegistryHost: config.git.registry,
    timeoutMs: config.upstream_timeout_ms,
  });
