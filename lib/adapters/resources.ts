/** The resource source (D16): the resource-pool service when NB_CRC_URL is set, else static options. */
import { createCrcClient } from "../crc/client.js";
import type { Adapter } from "./deps.js";

export const resources: Adapter<"resources"> = ({ config }) => {
  if (!config.crc_url) return { kind: "static" };
  const client = createCrcClient({
    baseUrl: config.crc_url,
    timeoutMs: config.upstream_timeout_ms,
  });
  return { kind: "pools", pools: (accessToken, query) => client.resourcePools(accessToken, query) };
};
