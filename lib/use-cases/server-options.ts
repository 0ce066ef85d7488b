/** GET /server_options (section 6.2): the configured choices; no upstream calls. */
import type { Config } from "../config/schema.js";
import { serverOptionsResponse } from "../sessions/index.js";

export const serverOptionsAnswer = (config: Config) => serverOptionsResponse(config);
