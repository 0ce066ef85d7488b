/** GET /notebooks/logs/{name}?max_lines= (section 9): the session's logs keyed by container. */
import { sessions } from "../lib/adapters/sessions.js";
import { logs } from "../lib/api/routes.js";
import { handler } from "../lib/http/handler.js";
import { ok } from "../lib/http/reply.js";
import { readSessionLogs } from "../lib/use-cases/index.js";

export const main = handler(
  logs,
  async ({ params, query, user }, deps) =>
    ok(await readSessionLogs(deps, user, params.server_name, query.max_lines)),
  { sessions },
);
