/**
 * DELETE /notebooks/servers/{name}?forced= (section 4.2): 204 once the deletion is accepted;
 * the session shows as stopping until the operator has removed it.
 */
import { sessions } from "../../lib/adapters/sessions.js";
import { stopHandOff } from "../../lib/adapters/stop-hand-off.js";
import { deleteServer } from "../../lib/api/routes.js";
import { handler } from "../../lib/http/handler.js";
import { noContent } from "../../lib/http/reply.js";
import { stopSession } from "../../lib/use-cases/index.js";

export const main = handler(
  deleteServer,
  async ({ params, query, user }, deps) => {
    await stopSession(deps, user, params.server_name, { forced: query.forced });
    return noContent();
  },
  { sessions, stopHandOff },
);
