/** DELETE /api/data/sessions/{session_id}: 204, also when there was no such session. */
import { amaltheaSessions } from "../../lib/adapters/amalthea-sessions.js";
import { v2Delete } from "../../lib/api/v2/routes.js";
import { handler } from "../../lib/http/handler.js";
import { noContent } from "../../lib/http/reply.js";
import { deleteSession } from "../../lib/use-cases/v2/sessions.js";

export const main = handler(
  v2Delete,
  async ({ params, user }, deps) => {
    await deleteSession(deps, user, params.session_id);
    return noContent();
  },
  { amaltheaSessions },
);
