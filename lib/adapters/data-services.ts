/** renku-data-services (v2 launches) when NB_DATA_SERVICES__URL is set; built without I/O. */
import { createDataServicesClient } from "../data-services/client.js";
import type { Adapter } from "./deps.js";

export const dataServices: Adapter<"dataServices"> = ({ config }) =>
  config.data_services.url
    ? createDataServicesClient({
        baseUrl: config.data_services.url,
        timeoutMs: config.upstream_timeout_ms,
      })
    : undefined;
