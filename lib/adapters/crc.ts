/** Wires deps.crc: the resource-pool service client when NB_CRC_URL is set (D16a). */
import { createCrcClient } from "../crc/client.js";
import { provideAdapter } from "../deps.js";

provideAdapter("crc", (config) =>
  config.crc_url
    ? createCrcClient({ baseUrl: config.crc_url, timeoutMs: config.upstream_timeout_ms })
    : undefined,
);
