/** GET /api/data/sessions/{session_id}/logs?max_lines=: container -> its last lines. */
import { amaltheaSessions } from "../../lib/adapters/amalthea-sessions.js";
import { v2Errors } from "../../lib/api/v2/errors.js";
import { v2Logs } from "../../lib/api/v2/routes.js";
import { handler } from "../../lib/http/handler.js";
import { ok } from "../../lib/http/reply.js";
import { findSession, sessionLogs } from "../../lib/use-cases/v2/sessions.js";

export const main = handler(
  v2Logs,
  async ({ params, query, user }, deps) => {
    const name = params.session_id;
    if (!(await findSession(deps, user, name)))
      throw v2Errors.missing(`Cannot find session ${name} for user ${user.id} to retrieve logs.`);
    return ok(await sessionLogs(deps, name, query.max_lines));
  },
  { amaltheaSessions },
);
