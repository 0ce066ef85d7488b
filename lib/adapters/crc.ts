/** The resource-pool service client when NB_CRC_URL is set (D16a); undefined means static options. */
import { createCrcClient } from "../crc/client.js";
import type { Adapter } from "../deps.js";

export const crc: Adapter<"crc"> = ({ config }) =>
  config.crc_url
    ? createCrcClient({ baseUrl: config.crc_url, timeoutMs: config.upstream_timeout_ms })
    : undefined;
