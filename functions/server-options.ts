/** GET /notebooks/server_options (section 6.2): the configured choices; no upstream calls. */
import { serverOptions } from "../lib/api/routes.js";
import { handler } from "../lib/http/handler.js";
import { ok } from "../lib/http/reply.js";
import { serverOptionsAnswer } from "../lib/use-cases/server-options.js";

export const main = handler(serverOptions, async (_input, deps) =>
  ok(serverOptionsAnswer(deps.config)),
);
